import { describe, expect, it } from 'vitest';
import { createRedisPool, InvalidRedisOptionError, parseRedisUrl, REDIS_DEFAULTS, type RedisPoolOptions } from '@pool/redis';

const base = { host: '127.0.0.1', port: 1 };

describe('options', () => {
  it("has pyredis' defaults in one table", () => {
    expect(REDIS_DEFAULTS).toMatchObject({ port: 6379, database: 0, encoding: null, connTimeoutMs: 2000, readTimeoutMs: 2000 });
  });

  it('needs exactly one of host, path or url', () => {
    expect(() => createRedisPool({})).toThrow(expect.objectContaining({ code: 'INVALID_OPTION', message: expect.stringContaining('none') }));
    expect(() => createRedisPool({ host: 'a', path: '/tmp/s' })).toThrow(expect.objectContaining({ code: 'INVALID_OPTION' }));
    expect(() => createRedisPool({ url: 'redis://a', host: 'a' })).toThrow(expect.objectContaining({ code: 'INVALID_OPTION' }));
  });

  it.each<[string, RedisPoolOptions]>([
    ['port 0', { ...base, port: 0 }],
    ['port 70000', { ...base, port: 70_000 }],
    ['a negative database', { ...base, database: -1 }],
    ['a fractional database', { ...base, database: 1.5 }],
    ['an unknown encoding', { ...base, encoding: 'klingon' as BufferEncoding }],
    ['connTimeoutMs 0', { ...base, connTimeoutMs: 0 }],
    ['connTimeoutMs Infinity', { ...base, connTimeoutMs: Infinity }],
    ['readTimeoutMs NaN', { ...base, readTimeoutMs: Number.NaN }],
    ['tls as a string', { ...base, tls: 'yes' as unknown as boolean }],
    ['multiplex as a number', { ...base, multiplex: 1 as unknown as boolean }],
    ['maxInFlightPerConnection 0', { ...base, maxInFlightPerConnection: 0 }],
    ['bulkSize 0', { ...base, bulkSize: 0 }],
    ['a connection name with a space', { ...base, connectionName: 'a b' }],
    ['a username without password', { ...base, username: 'app' }],
    ['port without host', { path: '/tmp/s', port: 1 }],
  ])('rejects %s with INVALID_OPTION', (_, options) => {
    expect(() => createRedisPool(options)).toThrow(expect.objectContaining({ code: 'INVALID_OPTION' }));
  });

  it('passes @pool/core options through to the core, which validates them', () => {
    expect(() => createRedisPool({ ...base, size: 0 })).toThrow(expect.objectContaining({ code: 'INVALID_OPTION' }));
    expect(() => createRedisPool({ ...base, sizee: 3 } as RedisPoolOptions)).toThrow(expect.objectContaining({ code: 'INVALID_OPTION' }));
    const redis = createRedisPool({ ...base, size: 3, acquireTimeoutMs: 10 });
    expect(redis.size).toBe(3);
    void redis.close();
  });

  it.each([
    ['db', 'use the pool option database'],
    ['connectTimeout', 'use the pool option connTimeoutMs'],
    ['commandTimeout', 'use the pool option readTimeoutMs'],
    ['maxRetriesPerRequest', 'managed by the pool'],
    ['enableOfflineQueue', 'managed by the pool'],
    ['lazyConnect', 'managed by the pool'],
    ['sizee', 'sizee'],
  ])('rejects the unknown option %s with InvalidRedisOptionError naming the fix (%s)', (key, fix) => {
    const call = (): unknown => createRedisPool({ url: 'redis://user:secret@127.0.0.1:1/0', [key]: 1 } as RedisPoolOptions);
    expect(call).toThrow(InvalidRedisOptionError);
    expect(call).toThrow(expect.objectContaining({ code: 'INVALID_OPTION', message: expect.stringContaining(fix) }));
    expect(call).not.toThrow(/secret/);
  });

  it('never echoes a bad password value', () => {
    expect(() => createRedisPool({ ...base, password: 12345 as unknown as string })).toThrow(
      expect.objectContaining({ code: 'INVALID_OPTION', message: 'password must be a string, got number' }),
    );
  });
});

describe('parseRedisUrl', () => {
  it('reads every part of a redis:// URL', () => {
    expect(parseRedisUrl('redis://app:p%40ss@example.test:6380/2?size=8&connTimeoutMs=100&readTimeoutMs=200')).toEqual({
      host: 'example.test',
      port: 6380,
      tls: false,
      username: 'app',
      password: 'p@ss',
      database: 2,
      size: 8,
      connTimeoutMs: 100,
      readTimeoutMs: 200,
    });
  });

  it("reads rediss:// as TLS, a bare password, and pyredis' spellings db and pool_size", () => {
    expect(parseRedisUrl('rediss://:secret@[::1]?db=3&pool_size=4')).toEqual({
      host: '::1',
      port: 6379,
      tls: true,
      password: 'secret',
      database: 3,
      size: 4,
    });
  });

  it.each([
    ['not a URL', 'not a url'],
    ['another scheme', 'http://a:secret@host'],
    ['no host', 'redis://'],
    ['a bad port', 'redis://a:secret@host:99999'],
    ['a non-numeric database', 'redis://a:secret@host/abc'],
    ['an unknown query option', 'redis://a:secret@host?color=red'],
    ['a bad query number', 'redis://a:secret@host?size=-1'],
  ])('rejects %s with INVALID_URL and no credentials in the message', (_, url) => {
    let caught: unknown;
    try {
      parseRedisUrl(url);
    } catch (error) {
      caught = error;
    }
    expect(caught).toMatchObject({ code: 'INVALID_URL' });
    expect((caught as Error).message).not.toContain('secret');
  });
});
