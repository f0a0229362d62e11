import { describe, expect, it } from 'vitest';
import { RedisTimeoutError } from '@pool/redis';
import { useRedisServer } from '../support/harness.js';

const harness = useRedisServer();

describe('a connection that comes back poisoned is replaced', () => {
  it('use() whose ioredis call timed out rejects REDIS_TIMEOUT, and the next unrelated PING succeeds', async () => {
    const redis = harness.open({ size: 1, readTimeoutMs: 300 });
    const failure: unknown = await redis.use((connection) => connection.blpop('heal:never', 10)).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(RedisTimeoutError);
    expect(failure).toMatchObject({ code: 'REDIS_TIMEOUT', sent: true });
    expect(await redis.execute('PING')).toBe('PONG');
    expect(redis.stats()).toMatchObject({ created: 2, destroyed: 1 });
  });

  it('a lease released while its ioredis call is still blocked on the server is replaced', async () => {
    const redis = harness.open({ size: 1, readTimeoutMs: 300 });
    const lease = await redis.lease();
    await expect(lease.resource.blpop('heal:never', 10)).rejects.toThrow();
    await lease.release();
    expect(await redis.execute('PING')).toBe('PONG');
    expect(redis.stats()).toMatchObject({ created: 2, destroyed: 1 });
  });

  it('a connection released with a command still pending is not reused', async () => {
    const redis = harness.open({ size: 1 });
    await redis.use((connection) => {
      connection.blpop('heal:never', 0).catch(() => undefined);
      return 'left without waiting';
    });
    expect(await redis.execute('PING')).toBe('PONG');
    expect(redis.stats()).toMatchObject({ created: 2, destroyed: 1 });
  });
});
