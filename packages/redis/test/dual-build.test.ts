import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { PoolError } from '@pool/core';
import { InvalidRedisOptionError, RedisPoolError, RedisTimeoutError } from '@pool/redis';
import { describe, expect, it } from 'vitest';

const dist = (file: string): string => fileURLToPath(new URL(`../dist/${file}`, import.meta.url));

// One process that loads @pool/redis both as an ES module and through require (and so @pool/core twice): every
// Redis error is still an instance of its class and of RedisPoolError and PoolError in the other build.
const SCRIPT = `
import { createRequire } from 'node:module';
const require = createRequire(import.meta.url);
const esm = await import(${JSON.stringify(pathToFileURL(dist('index.mjs')).href)});
const cjs = require(${JSON.stringify(dist('index.cjs'))});
const coreCjs = require(require.resolve('@pool/core', { paths: [${JSON.stringify(dist(''))}] }));
const made = {
  RedisPoolError: new esm.RedisPoolError('REDIS_CONNECTION', 'x'),
  RedisReplyError: new esm.RedisReplyError('WRONGTYPE x', 'GET'),
  RedisConnectionError: new esm.RedisConnectionError('x'),
  RedisTimeoutError: new esm.RedisTimeoutError('x', 10),
  InvalidRedisOptionError: new esm.InvalidRedisOptionError('x'),
  InvalidRedisUrlError: new esm.InvalidRedisUrlError('x'),
  InvalidArgumentError: new esm.InvalidArgumentError('x'),
  SubscriberClosedError: new esm.SubscriberClosedError(),
  NoTargetError: new esm.NoTargetError('x'),
  UnknownNodeError: new esm.UnknownNodeError('x:1', ['y:2']),
  CrossSlotError: new esm.CrossSlotError('MGET', 'slots 1 and 2'),
  NoMasterError: new esm.NoMasterError('x'),
};
const out = { distinct: esm.RedisPoolError !== cjs.RedisPoolError && coreCjs.PoolError !== undefined, checks: {} };
for (const [name, error] of Object.entries(made)) {
  out.checks[name] = {
    sameClass: typeof cjs[name] === 'function' && error instanceof cjs[name],
    redisRoot: error instanceof cjs.RedisPoolError,
    coreRoot: error instanceof coreCjs.PoolError,
    notOther: !(error instanceof (name === 'RedisTimeoutError' ? cjs.RedisReplyError : cjs.RedisTimeoutError)),
  };
}
out.coreIsNotRedis = new coreCjs.PoolExhaustedError({ size: 1, idle: 0, inUse: 1, creating: 0, waiting: 0 }) instanceof esm.RedisPoolError;
console.log(JSON.stringify(out));
`;

describe('@pool/redis errors', () => {
  it('share @pool/core\'s root: a Redis failure and a pool failure are both PoolErrors', () => {
    expect(new RedisTimeoutError('GET timed out', 10)).toBeInstanceOf(PoolError);
    expect(new InvalidRedisOptionError('port must be 1..65535')).toBeInstanceOf(PoolError);
    expect(new RedisTimeoutError('GET timed out', 10)).toBeInstanceOf(RedisPoolError);
  });

  it('are instances of their class, RedisPoolError and PoolError across the ESM and CommonJS builds in one process', () => {
    for (const file of ['index.mjs', 'index.cjs']) {
      if (!existsSync(dist(file))) throw new Error(`${dist(file)} is missing: run \`npx -y pnpm@10.34.8 run build\` first`);
    }
    const directory = mkdtempSync(join(tmpdir(), 'pool-redis-dual-'));
    try {
      writeFileSync(join(directory, 'script.mjs'), SCRIPT);
      const child = spawnSync(process.execPath, [join(directory, 'script.mjs')], { encoding: 'utf8', timeout: 20_000 });
      expect(child.stderr).toBe('');
      const out = JSON.parse(child.stdout) as { distinct: boolean; checks: Record<string, unknown>; coreIsNotRedis: boolean };
      expect(out.distinct).toBe(true);
      expect(Object.keys(out.checks)).toHaveLength(12);
      for (const [name, check] of Object.entries(out.checks)) {
        expect({ name, check }).toEqual({ name, check: { sameClass: true, redisRoot: true, coreRoot: true, notOther: true } });
      }
      expect(out.coreIsNotRedis).toBe(false);
    } finally {
      rmSync(directory, { recursive: true, force: true });
    }
  });
});
