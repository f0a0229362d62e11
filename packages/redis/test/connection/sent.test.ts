import { describe, expect, it } from 'vitest';
import { RedisConnectionError } from '@pool/redis';
import { useRedisServer } from '../support/harness.js';

const harness = useRedisServer();

describe('errors say whether the command reached the socket', () => {
  it('a command on a connection closed before it was sent: REDIS_CONNECTION with sent false, in plain words', async () => {
    const redis = harness.open({ size: 1 });
    const lease = await redis.lease();
    const id = await lease.resource.client('ID');
    await harness.client().client('KILL', 'ID', String(id));
    await expect.poll(() => lease.resource.status).toBe('end');
    const failure: unknown = await redis.executeOn(lease.resource, undefined, 'PING').catch((error: unknown) => error);
    await lease.release();
    expect(failure).toBeInstanceOf(RedisConnectionError);
    expect(failure).toMatchObject({ code: 'REDIS_CONNECTION', sent: false });
    expect((failure as Error).message).toMatch(/before the command was sent/);
  });

  it('a command lost after it was written: REDIS_CONNECTION with sent true and ioredis text as cause', async () => {
    const redis = harness.open({ size: 1 });
    const lease = await redis.lease();
    const id = await lease.resource.client('ID');
    const blocked = redis.executeOn(lease.resource, undefined, 'BLPOP', 'heal:never', 0).catch((error: unknown) => error);
    await expect.poll(async () => String(await harness.client().client('LIST')).includes('cmd=blpop')).toBe(true);
    await harness.client().client('KILL', 'ID', String(id));
    const failure = await blocked;
    await lease.release();
    expect(failure).toMatchObject({ code: 'REDIS_CONNECTION', sent: true });
    expect((failure as Error).cause).toBeInstanceOf(Error);
  });

  it('a timed-out command: REDIS_TIMEOUT with sent true', async () => {
    const redis = harness.open({ size: 1 });
    const failure: unknown = await redis.use((connection) =>
      redis.executeOn(connection, { timeoutMs: 200 }, 'BLPOP', 'heal:never', 5),
    ).catch((error: unknown) => error);
    expect(failure).toMatchObject({ code: 'REDIS_TIMEOUT', sent: true });
  });
});
