import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRedisPool, type RedisPool } from '../../src/index.js';
import { RedisServer } from '../support/redis-server.js';
import { pollUntil } from '../support/servers.js';
import { typedCommandsContract } from './commands-contract.js';
import { singlePool } from './harness.js';

describe.each([
  { mode: 'exclusive', multiplex: false },
  { mode: 'multiplexed', multiplex: true },
])('RedisPool.commands, $mode mode', ({ mode, multiplex }) => {
  let server: RedisServer;
  let redis: RedisPool;

  beforeAll(async () => {
    server = await RedisServer.start();
    // No encoding: the typed commands decode as ioredis does whatever the pool's raw encoding is.
    redis = createRedisPool({ host: '127.0.0.1', port: server.port, size: 4, readTimeoutMs: 500, acquireTimeoutMs: 5_000, multiplex });
  });

  afterAll(async () => {
    await redis?.close();
    await server?.stop();
  });

  typedCommandsContract(() => singlePool(redis), { tag: `single-${mode}`, multiplexed: multiplex });

  it('execute stays raw: Buffers per the pool encoding and HGETALL as a flat array, in either case of the name', async () => {
    await redis.commands.hset('raw:h', 'field', 'value');
    expect(await redis.execute('HGETALL', 'raw:h')).toEqual([Buffer.from('field'), Buffer.from('value')]);
    expect(await redis.execute('hgetall', 'raw:h')).toEqual([Buffer.from('field'), Buffer.from('value')]);
    expect(await redis.commands.hgetall('raw:h')).toEqual({ field: 'value' });
  });

  it('a pipeline whose command times out fails that command with REDIS_TIMEOUT and the connection is replaced', async () => {
    const destroyed = redis.stats().destroyed;
    // BLPOP inside a pipeline gets ioredis' per-command timeout (readTimeoutMs, 500 ms), not its block time.
    const replies = await redis.commands.pipeline().set('timeout:k', '1').blpop('timeout:empty', 5).exec();
    expect(replies?.[0]).toEqual([null, 'OK']);
    expect(replies?.[1]?.[0]).toMatchObject({ code: 'REDIS_TIMEOUT' });
    expect(redis.stats().destroyed).toBe(destroyed + 1);
    expect(await redis.commands.get('timeout:k')).toBe('1');
  });

  it('a command that fails on the transport is a RedisConnectionError and its connection is replaced', async () => {
    const destroyed = redis.stats().destroyed;
    const outcome = redis.commands.blpop('transport:empty', 5).then(
      () => 'resolved',
      (error: unknown) => error,
    );
    const blockedClient = (): string | undefined => /id=(\d+) [^\n]*cmd=blpop/.exec(server.cli('CLIENT', 'LIST'))?.[1];
    await pollUntil(() => blockedClient() !== undefined, 5_000, 'BLPOP is blocking');
    server.cli('CLIENT', 'KILL', 'ID', blockedClient() ?? '');
    expect(await outcome).toMatchObject({ code: 'REDIS_CONNECTION' });
    expect(redis.stats().destroyed).toBeGreaterThan(destroyed);
    expect(await redis.commands.ping()).toBe('PONG');
  });
});
