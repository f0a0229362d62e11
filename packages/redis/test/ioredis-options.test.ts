import { Redis } from 'ioredis';
import { PoolError } from '@pool/core';
import { createClusterPool, createRedisPool, InvalidRedisOptionError, type RedisPoolOptions } from '@pool/redis';
import { describe, expect, it } from 'vitest';

const base = { host: '127.0.0.1', port: 1 };

/** The error `createRedisPool(options)` throws. */
function failureOf(options: RedisPoolOptions): unknown {
  try {
    createRedisPool(options).close().catch(() => undefined);
  } catch (error) {
    return error;
  }
  throw new Error(`createRedisPool(${JSON.stringify(options)}) did not throw`);
}

describe('every bad option of createRedisPool fails with one class', () => {
  it.each<[string, RedisPoolOptions]>([
    ['an ioredis name (db)', { ...base, db: 1 } as RedisPoolOptions],
    ['a Redis option out of range (port 0)', { ...base, port: 0 }],
    ['a @pool/core option out of range (size 0)', { ...base, size: 0 }],
    ['an unknown name', { ...base, sizee: 3 } as RedisPoolOptions],
    ['a bad ioredis pass-through', { ...base, ioredis: 'family=4' } as unknown as RedisPoolOptions],
  ])('%s: InvalidRedisOptionError, a PoolError with code INVALID_OPTION', (_, options) => {
    const error = failureOf(options);
    expect(error).toBeInstanceOf(InvalidRedisOptionError);
    expect(error).toBeInstanceOf(PoolError);
    expect(error).toMatchObject({ code: 'INVALID_OPTION' });
  });

  it('does so for the cluster pool too', () => {
    expect(() => createClusterPool({ seeds: ['127.0.0.1:1'], db: 1 } as never)).toThrow(InvalidRedisOptionError);
    expect(() => createClusterPool({ seeds: ['127.0.0.1:1'], size: 0 })).toThrow(InvalidRedisOptionError);
  });
});

describe('an ioredis option name a user already knows', () => {
  it.each([
    ['db', 'database'],
    ['connectTimeout', 'connTimeoutMs'],
    ['commandTimeout', 'readTimeoutMs'],
    ['enableAutoPipelining', 'multiplex'],
  ])('%s names the pool option %s', (name, fix) => {
    expect(failureOf({ ...base, [name]: 1 } as RedisPoolOptions)).toMatchObject({ message: expect.stringContaining(`use the pool option ${fix}`) });
  });

  it.each([
    ['maxRetriesPerRequest', 'may run twice'],
    ['enableOfflineQueue', 'acquire waits or fails by acquireTimeoutMs'],
    ['lazyConnect', 'connects each connection when it creates it'],
    ['retryStrategy', 'replaced, not reconnected'],
  ])('%s says the pool manages it, and why', (name, why) => {
    const error = failureOf({ ...base, [name]: 0 } as RedisPoolOptions);
    expect(error).toMatchObject({ message: expect.stringContaining('managed by the pool') });
    expect(error).toMatchObject({ message: expect.stringContaining(why) });
  });

  it('a connection option the pool does not own (family) points to the ioredis option', () => {
    expect(failureOf({ ...base, family: 4 } as RedisPoolOptions)).toMatchObject({ message: 'family is an ioredis connection option: pass it as ioredis: { family }' });
  });
});

describe('the ioredis pass-through option', () => {
  it.each([
    ['db', 'use the pool option database'],
    ['connectTimeout', 'use the pool option connTimeoutMs'],
    ['tls', 'use the pool option tls'],
    ['lazyConnect', 'managed by the pool'],
    ['password', 'use the pool option password'],
  ])('refuses %s, which the pool owns, naming the pool option', (name, fix) => {
    const error = failureOf({ ...base, ioredis: { [name]: 'secret-value' } });
    expect(error).toBeInstanceOf(InvalidRedisOptionError);
    expect((error as Error).message).toContain(`ioredis.${name} is owned by the pool: `);
    expect((error as Error).message).toContain(fix);
    expect((error as Error).message).not.toContain('secret-value');
  });

  it('hands every other option to each ioredis connection (keyPrefix on the local Redis)', async () => {
    const key = `ioredis-options:${process.pid}:${Date.now()}`;
    const redis = createRedisPool({ host: '127.0.0.1', port: 6379, size: 1, encoding: 'utf8', ioredis: { keyPrefix: 'pfx:', family: 4 } });
    const plain = new Redis({ host: '127.0.0.1', port: 6379, lazyConnect: true });
    try {
      await redis.execute('SET', key, 'v', 'EX', 30);
      await plain.connect();
      expect(await plain.get(`pfx:${key}`)).toBe('v');
      expect(await plain.exists(key)).toBe(0);
      expect(await redis.execute('GET', key)).toBe('v');
    } finally {
      await plain.del(`pfx:${key}`).catch(() => undefined);
      plain.disconnect();
      await redis.close();
    }
  });
});

describe('the ioredis pass-through option on the cluster pool', () => {
  it('refuses keyPrefix, which would move keys away from the slots the pool routes them to', () => {
    expect(() => createClusterPool({ seeds: ['127.0.0.1:1'], ioredis: { keyPrefix: 'p:' } })).toThrow(
      expect.objectContaining({ code: 'INVALID_OPTION', message: expect.stringContaining('ioredis.keyPrefix is not supported by the cluster pool') }),
    );
  });
});
