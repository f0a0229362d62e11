import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRedisPool, RedisReplyError, type RedisPool } from '@pool/redis';
import { RedisServer } from '../support/redis-server.js';

let server: RedisServer;
const pools: RedisPool[] = [];
const open = (options: Parameters<typeof createRedisPool>[0]) => {
  const pool = createRedisPool(options);
  pools.push(pool);
  return pool;
};

beforeAll(async () => {
  server = await RedisServer.start();
});

afterAll(async () => {
  await Promise.all(pools.map((pool) => pool.close()));
  // Unset when the server never started (a missing redis-server fails the file with that message alone).
  await server?.stop();
});

describe('execute', () => {
  it('returns bulk replies as Buffers without an encoding (as pyredis does)', async () => {
    const redis = open({ host: '127.0.0.1', port: server.port });
    await redis.execute('SET', 'raw', 'value');
    const reply = await redis.execute('GET', 'raw');
    expect(Buffer.isBuffer(reply)).toBe(true);
    expect(String(reply)).toBe('value');
  });

  it('returns strings with encoding utf8', async () => {
    const redis = open({ host: '127.0.0.1', port: server.port, encoding: 'utf8' });
    await redis.execute('SET', 'text', 'héllo');
    expect(await redis.execute('GET', 'text')).toBe('héllo');
  });

  it('round-trips random bytes unchanged without an encoding', async () => {
    const redis = open({ host: '127.0.0.1', port: server.port });
    const bytes = randomBytes(4096);
    await redis.execute('SET', Buffer.from('binary\u0000key'), bytes);
    const reply = await redis.execute('GET', Buffer.from('binary\u0000key'));
    expect(Buffer.compare(reply as Buffer, bytes)).toBe(0);
  });

  it('keeps the same key apart in database 0 and database 3', async () => {
    const zero = open({ host: '127.0.0.1', port: server.port, encoding: 'utf8' });
    const three = open({ host: '127.0.0.1', port: server.port, database: 3, encoding: 'utf8' });
    await zero.execute('SET', 'isolated', 'zero');
    await three.execute('SET', 'isolated', 'three');
    expect(await zero.execute('GET', 'isolated')).toBe('zero');
    expect(await three.execute('GET', 'isolated')).toBe('three');
    expect(server.cli('-n', '3', 'GET', 'isolated').trim()).toBe('three');
  });

  it('accepts numbers as arguments', async () => {
    const redis = open({ host: '127.0.0.1', port: server.port, encoding: 'utf8' });
    await redis.execute('SET', 'counter', 41);
    expect(await redis.execute('INCRBY', 'counter', 1)).toBe(42);
  });

  it.each([
    ['an object', { a: 1 }],
    ['null', null],
    ['undefined', undefined],
    ['a boolean', true],
    ['NaN', Number.NaN],
    ['an array', ['x']],
  ])('rejects %s as an argument with INVALID_ARGUMENT before sending', async (_, bad) => {
    const redis = open({ host: '127.0.0.1', port: server.port, encoding: 'utf8' });
    await expect(redis.execute('SET', 'never-written', bad as unknown as string)).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
    expect(await redis.execute('EXISTS', 'never-written')).toBe(0);
    expect(redis.stats().acquired).toBe(1);
  });

  it('turns an error reply into RedisReplyError with the server message and keeps the connection', async () => {
    const redis = open({ host: '127.0.0.1', port: server.port, encoding: 'utf8', size: 1 });
    await redis.execute('SET', 'a-string', 'x');
    const error: unknown = await redis.execute('LPUSH', 'a-string', 'y').catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(RedisReplyError);
    expect(error).toMatchObject({ code: 'REDIS_REPLY', replyCode: 'WRONGTYPE', command: 'LPUSH' });
    expect((error as Error).message).toMatch(/^WRONGTYPE Operation against a key holding the wrong kind of value/);
    const noScript = await redis.execute('EVALSHA', 'ffffffffffffffffffffffffffffffffffffffff', 0).catch((caught: unknown) => caught);
    expect(noScript).toMatchObject({ code: 'REDIS_REPLY', replyCode: 'NOSCRIPT' });
    expect(await redis.execute('GET', 'a-string')).toBe('x');
    expect(redis.stats()).toMatchObject({ created: 1, destroyed: 0 });
  });

  it('replaces a connection after a command that changes its state (SELECT)', async () => {
    const redis = open({ host: '127.0.0.1', port: server.port, encoding: 'utf8', size: 1 });
    await redis.execute('SET', 'where', 'db0');
    expect(await redis.execute('SELECT', 5)).toBe('OK');
    expect(await redis.execute('GET', 'where')).toBe('db0');
    expect(redis.stats()).toMatchObject({ created: 2, destroyed: 1 });
  });

  it('fails fast with POOL_EXHAUSTED like pyredis when every connection is in use', async () => {
    const redis = open({ host: '127.0.0.1', port: server.port, size: 1 });
    const lease = await redis.lease();
    await expect(redis.execute('PING')).rejects.toMatchObject({ code: 'POOL_EXHAUSTED' });
    await lease.release();
    expect(String(await redis.execute('PING'))).toBe('PONG');
  });

  it('runs MULTI/EXEC with WATCH on one leased connection through use()', async () => {
    const redis = open({ host: '127.0.0.1', port: server.port, encoding: 'utf8' });
    const result = await redis.use(async (connection) => {
      await connection.watch('balance');
      return connection.multi().set('balance', '10').incrby('balance', 5).exec();
    });
    expect(result).toEqual([[null, 'OK'], [null, 15]]);
  });

  it('lets a BLPOP block longer than readTimeoutMs because its own timeout is added', async () => {
    const redis = open({ host: '127.0.0.1', port: server.port, encoding: 'utf8', readTimeoutMs: 50 });
    const popped = redis.execute('BLPOP', 'later', 5);
    // The pusher goes through redis-cli so the pool's one blocked connection is all the pool holds.
    await expect.poll(() => server.cli('CLIENT', 'LIST').includes('cmd=blpop'), { timeout: 5000 }).toBe(true);
    server.cli('RPUSH', 'later', 'job');
    expect(await popped).toEqual(['later', 'job']);
  });

  it('lets executeWith set a read timeout for one call', async () => {
    const redis = open({ host: '127.0.0.1', port: server.port, encoding: 'utf8', readTimeoutMs: 5000 });
    const error = await redis.executeWith({ timeoutMs: 20 }, 'BLPOP', 'never', 0).catch((caught: unknown) => caught);
    expect(error).toMatchObject({ code: 'REDIS_TIMEOUT', timeoutMs: 20 });
  });

  it('rejects a per-call timeoutMs below 1 with INVALID_ARGUMENT', async () => {
    const redis = open({ host: '127.0.0.1', port: server.port });
    await expect(redis.executeWith({ timeoutMs: 0 }, 'PING')).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
    expect(redis.stats().acquired).toBe(0);
  });

  it('resizes: a shrink closes surplus idle connections', async () => {
    const redis = open({ host: '127.0.0.1', port: server.port, size: 4, connectionName: 'resized' });
    const leases = await Promise.all(Array.from({ length: 4 }, () => redis.lease()));
    await Promise.all(leases.map((lease) => lease.release()));
    await redis.resize(1);
    expect(redis.size).toBe(1);
    expect(redis.stats()).toMatchObject({ idle: 1, destroyed: 3 });
    await expect.poll(() => server.cli('CLIENT', 'LIST').split('\n').filter((line) => line.includes(' name=resized ')).length, { timeout: 5000 }).toBe(1);
  });

  it('lets executeOn run a long BLPOP on a leased connection', async () => {
    const redis = open({ host: '127.0.0.1', port: server.port, encoding: 'utf8', readTimeoutMs: 50 });
    const lease = await redis.lease();
    const popped = redis.executeOn(lease.resource, { timeoutMs: 10_000 }, 'BLPOP', 'leased', 0);
    await expect.poll(() => server.cli('CLIENT', 'LIST').includes('cmd=blpop'), { timeout: 5000 }).toBe(true);
    server.cli('RPUSH', 'leased', 'job');
    expect(await popped).toEqual(['leased', 'job']);
    await lease.release();
  });
});
