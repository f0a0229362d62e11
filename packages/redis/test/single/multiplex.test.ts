import type { Redis } from 'ioredis';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createRedisPool, type RedisPool } from '@pool/redis';
import { RedisServer } from '../support/redis-server.js';

let server: RedisServer;
const pools: RedisPool[] = [];
const open = (options: Omit<Parameters<typeof createRedisPool>[0], 'host' | 'port'>) => {
  const pool = createRedisPool({ host: '127.0.0.1', port: server.port, multiplex: true, encoding: 'utf8', ...options });
  pools.push(pool);
  return pool;
};

/** Opens `count` connections and waits until all are idle (a released lease may leave a create running). */
async function warm(redis: RedisPool, count: number): Promise<void> {
  const leases = await Promise.all(Array.from({ length: count }, () => redis.lease()));
  await Promise.all(leases.map((lease) => lease.release()));
  await expect.poll(() => redis.stats().idle, { timeout: 5000 }).toBe(count);
}

beforeAll(async () => {
  server = await RedisServer.start();
});

afterEach(async () => {
  server.resume();
  await Promise.all(pools.splice(0).map((pool) => pool.close({ timeoutMs: 1000 })));
});

afterAll(async () => {
  // Unset when the server never started (a missing redis-server fails the file with that message alone).
  await server?.stop();
});

describe('multiplexed mode', () => {
  it('pipelines 50 concurrent GETs onto the one connection of a fail-fast pool of size 1', async () => {
    const redis = open({ size: 1 });
    const replies = await Promise.all(Array.from({ length: 50 }, (_, index) => redis.execute('ECHO', `m${index}`)));
    expect(replies).toEqual(Array.from({ length: 50 }, (_, index) => `m${index}`));
    expect(redis.stats()).toMatchObject({ created: 1, inUse: 0, idle: 1 });
  });

  it('gives the connection back to the pool once its last reply arrived', async () => {
    const redis = open({ size: 1 });
    await redis.execute('PING');
    expect(redis.stats()).toMatchObject({ multiplexConnections: 0, inUse: 0, idle: 1 });
    expect(await redis.use((connection) => connection.ping())).toBe('PONG');
  });

  it('returns every connection to the pool after a burst, so close() finishes', async () => {
    const redis = open({ size: 4 });
    const replies = await Promise.all(Array.from({ length: 300 }, (_, index) => redis.execute('ECHO', `burst${index}`)));
    expect(replies[299]).toBe('burst299');
    // Regression: a connection acquired after the queue had drained stayed held, and close() waited for it forever.
    await expect.poll(() => redis.stats(), { timeout: 5000 }).toMatchObject({ inUse: 0, creating: 0, multiplexConnections: 0 });
    await redis.close();
    expect(redis.stats().destroyed).toBe(redis.stats().created);
  });

  it.each(['BLPOP', 'WATCH', 'SELECT', 'SUBSCRIBE'])(
    '%s takes an exclusive connection instead of joining the shared one',
    async (command) => {
      const redis = open({ size: 1 });
      // The GET holds the only slot while it connects; a shared command would queue behind it, an exclusive one
      // needs a connection of its own and, failing fast, gets none.
      const shared = redis.execute('GET', 'k');
      const alsoShared = redis.execute('ECHO', 'queued');
      await expect(redis.execute(command, 'k', 1)).rejects.toMatchObject({ code: 'POOL_EXHAUSTED' });
      expect(await shared).toBeNull();
      expect(await alsoShared).toBe('queued');
    },
  );

  it('keeps at most maxInFlightPerConnection commands in flight per connection and queues the rest', async () => {
    const redis = open({ size: 2, maxInFlightPerConnection: 2, readTimeoutMs: 10_000 });
    await warm(redis, 2);
    server.pause();
    const calls = Array.from({ length: 5 }, (_, index) => redis.execute('ECHO', `q${index}`));
    await expect.poll(() => redis.stats().multiplexInFlight, { timeout: 5000 }).toBe(4);
    expect(redis.stats()).toMatchObject({ multiplexConnections: 2, multiplexQueued: 1 });
    server.resume();
    expect(await Promise.all(calls)).toEqual(['q0', 'q1', 'q2', 'q3', 'q4']);
  });

  it('a broken connection fails only the commands in flight on it, each typed, and is replaced', async () => {
    const redis = open({ size: 2, maxInFlightPerConnection: 2, readTimeoutMs: 10_000 });
    await warm(redis, 2);
    const acquired: Redis[] = [];
    redis.pool.on('acquire', (connection) => acquired.push(connection));
    server.pause();
    const calls = Array.from({ length: 4 }, (_, index) =>
      redis.execute('ECHO', `b${index}`).then(
        (value) => ({ ok: true, value }),
        (error: unknown) => ({ ok: false, error }),
      ),
    );
    await expect.poll(() => redis.stats().multiplexInFlight, { timeout: 5000 }).toBe(4);
    const first = acquired[0];
    if (first === undefined) throw new Error('the multiplexer acquired nothing');
    first.stream.destroy();
    server.resume();
    const outcomes = await Promise.all(calls);
    expect(outcomes.slice(0, 2)).toEqual([
      { ok: false, error: expect.objectContaining({ code: 'REDIS_CONNECTION' }) },
      { ok: false, error: expect.objectContaining({ code: 'REDIS_CONNECTION' }) },
    ]);
    expect(outcomes.slice(2)).toEqual([{ ok: true, value: 'b2' }, { ok: true, value: 'b3' }]);
    expect(await redis.execute('ECHO', 'again')).toBe('again');
    expect(redis.stats()).toMatchObject({ destroyed: 1 });
  });

  it('a command timeout breaks its connection and the pool serves again', async () => {
    const redis = open({ size: 1, readTimeoutMs: 100 });
    await redis.execute('PING');
    server.pause();
    await expect(redis.execute('GET', 'stuck')).rejects.toMatchObject({ code: 'REDIS_TIMEOUT' });
    server.resume();
    expect(await redis.execute('ECHO', 'back')).toBe('back');
    expect(redis.stats()).toMatchObject({ created: 2, destroyed: 1 });
  });

  it('rejects queued commands with POOL_CLOSED on close', async () => {
    const redis = open({ size: 1, maxInFlightPerConnection: 1, readTimeoutMs: 10_000 });
    await redis.execute('PING');
    server.pause();
    const inFlight = redis.execute('ECHO', 'sent');
    const queued = redis.execute('ECHO', 'queued');
    await expect.poll(() => redis.stats().multiplexQueued, { timeout: 5000 }).toBe(1);
    const closing = redis.close();
    await expect(queued).rejects.toMatchObject({ code: 'POOL_CLOSED' });
    server.resume();
    expect(await inFlight).toBe('sent');
    await closing;
  });
});
