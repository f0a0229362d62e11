import { beforeAll, describe, expect, it } from 'vitest';
import { createRedisPool } from '@pool/redis';
import { assertBuilt, closedPort, runNode, type ProgramResult } from './support/run-program.js';
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

describe('examples/demo (pnpm demo)', () => {
  /** The tour's claims, whichever backend ran it. */
  function expectTour(stdout: string): void {
    expect(stdout).toContain('acquired #1; GET pool-demo:greeting -> hello from the pool');
    expect(stdout).toContain('refused at once: PoolExhaustedError POOL_EXHAUSTED: Max resources 3 exhausted');
    expect(stdout).toMatch(/served #\d after \d+ ms, by a release 300 ms later/);
    expect(stdout).toContain('a caller that waits only 250 ms: AcquireTimeoutError ACQUIRE_TIMEOUT');
    expect(stdout).toContain('after resize(5): size 5, idle 0, in use 5, creating 0, waiting 0');
    expect(stdout).toContain('resize(2) closed the surplus idle ones: size 2, idle 2, in use 0');
    expect(stdout).toMatch(/#\d is dead: /);
    expect(stdout).toMatch(/retired by closeOnError\): size 2, idle 0, in use 0/);
    expect(stdout).toMatch(/next acquire makes a fresh connection #\d: PING -> PONG/);
    expect(stdout).toContain('timeouts 1, createErrors 0, destroyErrors 0');
    expectAllDestroyed(stdout);
  }

  it('uses the Redis at 127.0.0.1:6379 when REDIS_URL is unset, and says so', async () => {
    await requireServices(LOCAL_REDIS);
    const result = await runNode('examples/demo/main.mjs', { env: { REDIS_URL: undefined } });
    expectCleanExit(result);
    expect(result.stdout).toMatch(/^\[ *[\d.]+s\] backend: Redis at 127\.0\.0\.1:6379 \(@pool\/redis on ioredis\)$/m);
    expectTour(result.stdout);
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

  it('the @pool/core version prints exactly the same and exits', async () => {
    const result = await runNode('examples/from-generic-pool/with-pool-core.mjs');
    expectCleanExit(result);
    expect(result.stdout).toBe(expectedOutput);
  });
});
