import { readFileSync } from 'node:fs';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRedisPool } from '@pool/redis';
import { assertBuilt, closedPort, repoRoot, runNode, runProgram, type ProgramResult } from './support/run-program.js';
import { LOCAL_POSTGRES, LOCAL_REDIS, requireServices } from './support/services.js';

// Each example is a program a user runs with `node`; these tests run them the same way, against the built packages,
// and check what they print. A program that does not exit on its own (a pool left open) fails on its time limit.

beforeAll(assertBuilt);

/** Asserts a clean run: exit 0, in time, nothing on stderr (no warnings, no unhandled errors). */
function expectCleanExit(result: ProgramResult): void {
  expect({ code: result.code, timedOut: result.timedOut, stderr: result.stderr }).toEqual({ code: 0, timedOut: false, stderr: '' });
}

/** Asserts the program's last line reports as many connections destroyed as created (and at least one). */
function expectAllDestroyed(stdout: string): void {
  const match = /closed: created (\d+), destroyed (\d+)/.exec(stdout);
  expect(match, stdout).not.toBeNull();
  expect(Number(match?.[1])).toBeGreaterThan(0);
  expect(match?.[2]).toBe(match?.[1]);
}

describe('examples/in-memory', () => {
  it('uses, waits, fails fast with POOL_EXHAUSTED and drops broken connections with no server', async () => {
    const result = await runNode('examples/in-memory/main.mjs');
    expectCleanExit(result);
    expect(result.stdout).toContain('use: INCR visits -> 1');
    expect(result.stdout).toContain('acquire: reused connection #1: GET greeting -> hello');
    expect(result.stdout).toContain('wait: served with connection #1 after the release');
    expect(result.stdout).toContain('fail fast: POOL_EXHAUSTED (Max resources 2 exhausted)');
    expect(result.stdout).toContain('broken: dropped; stats {"idle":0,"inUse":0,"created":2,"destroyed":2}');
    expect(result.stdout).toContain('after: GET greeting -> hello');
    expectAllDestroyed(result.stdout);
  });
});

describe('the demo command, `npx -y pnpm@10.34.8 demo`', () => {
  const BUILD_TIMEOUT_MS = 150_000;
  let out = '';
  afterAll(async () => {
    if (out !== '') await rm(out, { recursive: true, force: true });
  });

  it('builds with scripts/build-quiet.mjs, then runs the demo', async () => {
    const manifest = JSON.parse(await readFile(join(repoRoot, 'package.json'), 'utf8')) as { scripts: Record<string, string> };
    expect(manifest.scripts['demo']).toBe('node scripts/build-quiet.mjs && node examples/demo/main.mjs');
  });

  it('has a build step that prints nothing when it succeeds: no tsdown report, Node deprecation or plugin timings', async () => {
    // Into a temporary folder: rebuilding dist/ here would pull it from under the tests running beside this one.
    out = await mkdtemp(join(tmpdir(), 'pool-demo-build-'));
    const result = await runProgram(process.execPath, ['scripts/build-quiet.mjs', '--out-dir', out], { timeoutMs: BUILD_TIMEOUT_MS - 10_000 });
    expect({ code: result.code, timedOut: result.timedOut, stdout: result.stdout, stderr: result.stderr }).toEqual({
      code: 0,
      timedOut: false,
      stdout: '',
      stderr: '',
    });
    for (const name of ['core', 'redis']) {
      expect((await readdir(join(out, name))).sort()).toEqual(expect.arrayContaining(['index.cjs', 'index.d.mts', 'index.mjs']));
    }
  }, BUILD_TIMEOUT_MS);

  it('keeps npm\'s and pnpm\'s "update available" banners out (update-notifier=false, read by both)', async () => {
    expect((await readFile(join(repoRoot, '.npmrc'), 'utf8')).split('\n')).toContain('update-notifier=false');
  });
});

describe('examples/demo (npx -y pnpm@10.34.8 demo)', () => {
  /** The tour's claims, whichever backend ran it. */
  function expectTour(stdout: string): void {
    expect(stdout).toMatch(/^\[ *[\d.]+s\] 1\. execute: /m);
    expect(stdout).toContain(") refused at once: PoolExhaustedError POOL_EXHAUSTED: Max resources 3 exhausted");
    expect(stdout).toMatch(/served #\d after \d+ ms, by a release 300 ms later/);
    expect(stdout).toContain('a caller that waits only 250 ms: AcquireTimeoutError ACQUIRE_TIMEOUT');
    expect(stdout).toContain('after resize(5): size 5, idle 0, in use 5, creating 0, waiting 0');
    expect(stdout).toContain('resize(2) closed the surplus idle ones: size 2, idle 2, in use 0');
    expect(stdout).toMatch(/#\d is dead: /);
    expect(stdout).toMatch(/retired by closeOnError\): size 2, idle 0, in use 0/);
    expect(stdout).toMatch(/next acquire makes a fresh connection #\d: PING -> PONG/);
    expect(stdout).toContain('timeouts 1, createErrors 0, destroyErrors 0');
    expectAllDestroyed(stdout);
    // What ioredis says inside a pool is the library's business: the demo shows the pool's typed errors only.
    expect(stdout).not.toMatch(/Stream isn't writeable|enableOfflineQueue|executeOn/);
  }

  it('uses the Redis at 127.0.0.1:6379 when REDIS_URL is unset, and says so', async () => {
    await requireServices(LOCAL_REDIS);
    const result = await runNode('examples/demo/main.mjs', { env: { REDIS_URL: undefined } });
    expectCleanExit(result);
    expect(result.stdout).toMatch(/^\[ *[\d.]+s\] backend: Redis at 127\.0\.0\.1:6379 \(@pool\/redis on ioredis\)$/m);
    expect(result.stdout).toContain("   await redis.execute('GET', 'pool-demo:greeting') -> hello from the pool\n");
    expect(result.stdout).toContain("   await redis.execute('PING') refused at once: PoolExhaustedError POOL_EXHAUSTED");
    expectTour(result.stdout);
  });

  it('takes REDIS_URL=localhost:6379 (no scheme) as redis://localhost:6379', async () => {
    await requireServices(LOCAL_REDIS);
    const result = await runNode('examples/demo/main.mjs', { env: { REDIS_URL: 'localhost:6379' } });
    expectCleanExit(result);
    expect(result.stdout).toMatch(/^\[ *[\d.]+s\] backend: Redis at localhost:6379 \(@pool\/redis on ioredis\)$/m);
    expectTour(result.stdout);
  });

  it.each([
    ['http://example.test:6379', 'http://example.test:6379'],
    ['app:s3cret@localhost:99999', '***@localhost:99999'],
    ['redis://app:s3cret@[broken', 'redis://***@[broken'],
  ])('stops on REDIS_URL=%s with one line on stderr, no stack and no password', async (url, shown) => {
    const result = await runNode('examples/demo/main.mjs', { env: { REDIS_URL: url } });
    expect({ code: result.code, timedOut: result.timedOut, stdout: result.stdout }).toEqual({ code: 2, timedOut: false, stdout: '' });
    expect(result.stderr).toBe(`demo: REDIS_URL must be redis://host:port, rediss://host:port or host:port, got "${shown}"\n`);
  });

  it('shows the in-memory backend through pool.use, the way a user of @pool/core runs one command', async () => {
    const port = await closedPort();
    const result = await runNode('examples/demo/main.mjs', { env: { REDIS_URL: `redis://127.0.0.1:${port}` } });
    expect(result.stdout).toContain("   await pool.use((connection) => connection.command('GET', 'pool-demo:greeting')) -> hello from the pool\n");
  });

  it('falls back to the in-memory backend when no Redis answers at REDIS_URL, and says so', async () => {
    const port = await closedPort();
    const result = await runNode('examples/demo/main.mjs', { env: { REDIS_URL: `redis://127.0.0.1:${port}` } });
    expectCleanExit(result);
    expect(result.stdout).toContain(`backend: in-memory (no Redis at 127.0.0.1:${port}: ECONNREFUSED`);
    expectTour(result.stdout);
  });
});

describe('examples/redis', () => {
  it('runs execute, MULTI/EXEC, WATCH, pub/sub, resize and bulk on the local Redis and deletes its keys', async () => {
    await requireServices(LOCAL_REDIS);
    const result = await runNode('examples/redis/main.mjs', { env: { REDIS_URL: undefined } });
    expectCleanExit(result);
    const { stdout } = result;
    expect(stdout).toContain('execute: GET greeting -> hello');
    expect(stdout).toContain('execute: INCR visits -> 42');
    expect(stdout).toContain('MULTI/EXEC via use(): [[null,"OK"],[null,70]]');
    expect(stdout).toContain('WATCH on a lease: balance changed after it was read (70), EXEC -> null');
    expect(stdout).toContain('WATCH retry: read 75, EXEC -> [[null,"OK"]], balance now 55');
    expect(stdout).toContain('bulk 1/4: SET -> OK\nbulk 2/4: INCR -> 2\nbulk 3/4: HGET failed: REDIS_REPLY (WRONGTYPE');
    expect(stdout).toContain('bulk 4/4: INCRBY -> 12');
    expect(stdout).toContain('pub/sub: PUBLISH reached 1 subscriber(s)');
    expect(stdout).toContain('pub/sub: received "hello subscribers" on our channel');
    expect(stdout).toContain('pub/sub: subscriber closed: true');
    expect(stdout).toContain('before resize: size 4, idle 4, in use 0, created 4, destroyed 0');
    expect(stdout).toContain('after resize(2): size 2, idle 2, in use 0, created 4, destroyed 2');
    expect(stdout).toContain('after size = 6: size 6, idle 2, in use 0, created 4, destroyed 2');
    expect(stdout).toContain('after 6 callers at once: size 6, idle 6, in use 0, created 8, destroyed 2');
    expect(stdout).toMatch(/^stats: acquired (\d+), released \1, timeouts 0$/m);
    expect(stdout).toContain('stats: createErrors 0, destroyErrors 0, validationFailures 0');
    expect(stdout).toContain('cleanup: deleted 4 keys');
    expectAllDestroyed(stdout);

    const prefix = /keys under (\S+)$/m.exec(stdout)?.[1];
    expect(prefix, stdout).toMatch(/^example:\d+:/);
    const redis = createRedisPool({ host: '127.0.0.1', port: 6379, encoding: 'utf8', connTimeoutMs: 5_000, readTimeoutMs: 5_000 });
    try {
      expect(await redis.execute('KEYS', `${prefix}*`)).toEqual([]);
    } finally {
      await redis.close();
    }
  });

  it('connects where REDIS_URL says: with nothing there it reports REDIS_CONNECTION and exits 1', async () => {
    const port = await closedPort();
    const result = await runNode('examples/redis/main.mjs', { env: { REDIS_URL: `redis://127.0.0.1:${port}` } });
    expect({ code: result.code, timedOut: result.timedOut }).toEqual({ code: 1, timedOut: false });
    expect(result.stdout).toContain(`Redis at 127.0.0.1:${port}`);
    expect(result.stderr).toMatch(/^failed: REDIS_CONNECTION: .*ECONNREFUSED/m);
  });
});

describe('examples/tcp', () => {
  it('pools sockets to its own echo server, replaces dropped idle sockets and destroys a broken held one', async () => {
    const result = await runNode('examples/tcp/main.mjs');
    expectCleanExit(result);
    expect(result.stdout).toMatch(/^echo server on 127\.0\.0\.1:\d+$/m);
    const replies = Array.from({ length: 8 }, (_, index) => `hello ${index}`).join(', ');
    expect(result.stdout).toContain(`8 requests answered: ${replies}`);
    expect(result.stdout).toContain('sockets open on the server: 4; pool stats: created 4, idle 4');
    expect(result.stdout).toContain('after the server dropped all: "after the drop"; invalid idle sockets destroyed: 4');
    expect(result.stdout).toContain('request on a dropped socket failed:');
    expect(result.stdout).toContain('released the broken socket: destroyed 1, idle now 0');
    expectAllDestroyed(result.stdout);
  });
});

describe('examples/postgres', () => {
  it('runs a transaction on one client and drops every client after the server kills one (closeOnError)', async () => {
    await requireServices(LOCAL_POSTGRES);
    const result = await runNode('examples/postgres/main.mjs');
    expectCleanExit(result);
    expect(result.stdout).toMatch(/^connected to PostgreSQL \d+/m);
    expect(result.stdout).toContain('transaction committed: /=2, /about=1');
    expect(result.stdout).toMatch(/6 queries ran on [123] server connection\(s\)/);
    expect(result.stdout).toContain('query on the killed connection failed:');
    expect(result.stdout).toMatch(/after the kill: idle 0, in use 0, destroyed (\d) of \1\n/);
    expect(result.stdout).toContain('fresh client: temp table gone with its session: true');
    expectAllDestroyed(result.stdout);
  });
});

describe('examples/from-generic-pool', () => {
  const expectedOutput = [
    'use: SELECT 1 -> ok; SELECT 2 -> ok; SELECT 3 -> ok; SELECT 4 -> ok',
    'acquire: SELECT now() -> ok',
    'full pool: the third acquire timed out after 1 s',
    'closed',
    '',
  ].join('\n');

  it('the generic-pool version runs and exits', async () => {
    const result = await runNode('examples/from-generic-pool/with-generic-pool.mjs');
    expectCleanExit(result);
    expect(result.stdout).toBe(expectedOutput);
  });

  it('the one-line migration (@pool/core/generic-pool) differs from the generic-pool version only in its import', () => {
    const read = (file: string) => readFileSync(join(repoRoot, 'examples/from-generic-pool', file), 'utf8').split('\n');
    const [theirs, ours] = [read('with-generic-pool.mjs'), read('with-generic-pool-api.mjs')];
    // Line 1 is the file's own comment, line 2 the import; everything after is the same program.
    expect(ours[1]).toMatch(/^import \{ createPool \} from '@pool\/core\/generic-pool';/);
    expect(ours.slice(2)).toEqual(theirs.slice(2));
  });

  it('the one-line migration prints exactly the same and exits', async () => {
    const result = await runNode('examples/from-generic-pool/with-generic-pool-api.mjs');
    expectCleanExit(result);
    expect(result.stdout).toBe(expectedOutput);
  });

  it('the @pool/core version prints exactly the same and exits', async () => {
    const result = await runNode('examples/from-generic-pool/with-pool-core.mjs');
    expectCleanExit(result);
    expect(result.stdout).toBe(expectedOutput);
  });
});

describe('examples/opentelemetry', () => {
  it('scrapes the pool\'s db.client.connection metrics in the Prometheus text format over HTTP', async () => {
    const result = await runNode('examples/opentelemetry/main.mjs');
    expectCleanExit(result);
    const { stdout } = result;
    expect(stdout).toContain('a caller gave up: ACQUIRE_TIMEOUT');
    expect(stdout).toContain('GET /metrics -> 200 text/plain');
    /** The value of one sample, whatever the order of its other labels. */
    const sample = (name: string, ...labels: string[]): string | undefined =>
      stdout
        .split('\n')
        .find((line) => line.startsWith(`${name}{`) && labels.every((label) => line.includes(label)) && line.includes('db_client_connection_pool_name="in-memory"'))
        ?.split(' ')
        .at(-1);
    const types = {
      db_client_connection_count: 'gauge',
      db_client_connection_max: 'gauge',
      db_client_connection_idle_max: 'gauge',
      db_client_connection_idle_min: 'gauge',
      db_client_connection_pending_requests: 'gauge',
      db_client_connection_timeouts_total: 'counter',
      db_client_connection_create_time: 'histogram',
      db_client_connection_wait_time: 'histogram',
      db_client_connection_use_time: 'histogram',
    };
    for (const [name, type] of Object.entries(types)) expect(stdout).toContain(`# TYPE ${name} ${type}\n`);
    // Scraped with one connection held and one idle, after 2 creates, 4 acquires, 3 releases and 1 timeout.
    expect(sample('db_client_connection_count', 'db_client_connection_state="idle"')).toBe('1');
    expect(sample('db_client_connection_count', 'db_client_connection_state="used"')).toBe('1');
    expect(sample('db_client_connection_max')).toBe('2');
    expect(sample('db_client_connection_idle_max')).toBe('2');
    expect(sample('db_client_connection_idle_min')).toBe('1');
    expect(sample('db_client_connection_pending_requests')).toBe('0');
    expect(sample('db_client_connection_timeouts_total')).toBe('1');
    expect(sample('db_client_connection_create_time_count')).toBe('2');
    expect(sample('db_client_connection_wait_time_count')).toBe('4');
    expect(sample('db_client_connection_use_time_count')).toBe('3');
    // Seconds: two 50 ms connects sum to well under 10 (they would be over 100 in milliseconds).
    expect(Number(sample('db_client_connection_create_time_sum'))).toBeGreaterThanOrEqual(0.09);
    expect(Number(sample('db_client_connection_create_time_sum'))).toBeLessThan(10);
    expect(sample('db_client_connection_use_time_bucket', 'le="+Inf"')).toBe('3');
    expectAllDestroyed(stdout);
  });

  // The ioredis instrumentation records each command under the active span of the code that issued it. The pool
  // batches writes per event-loop turn; each command must still reach ioredis in its caller's async context.
  it('redis-traces.cjs: every ioredis command span sits under its own caller\'s span, in both modes', async () => {
    await requireServices(LOCAL_REDIS);
    const result = await runNode('examples/opentelemetry/redis-traces.cjs', { env: { REDIS_URL: undefined } });
    expectCleanExit(result);
    expect(result.stdout).toContain('traces of 4 concurrent callers (checkout, profile, search, cart), 3 commands each');
    expect(result.stdout).toContain("exclusive: 12 of 12 command spans under their caller's span\n");
    expect(result.stdout).toContain("multiplexed: 12 of 12 command spans under their caller's span\n");
    expect(result.stdout).not.toContain('wrong parent');
    expect(result.stdout).toContain('every command span is under its caller');
  });
});
