import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRedisPool, type RedisPool, type SubscriberMessage } from '@pool/redis';
import { RedisServer } from '../support/redis-server.js';

let server: RedisServer;
const pools: RedisPool[] = [];
const open = (options: Omit<Parameters<typeof createRedisPool>[0], 'host' | 'port'> = {}) => {
  const pool = createRedisPool({ host: '127.0.0.1', port: server.port, encoding: 'utf8', ...options });
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

describe('bulk mode', () => {
  it('runs many commands on one connection in batches and returns per-command results in order', async () => {
    const redis = open({ bulkSize: 7 });
    const commands = Array.from({ length: 50 }, (_, index) => ['RPUSH', 'bulk-list', index] as const);
    const results = await redis.bulk(commands);
    expect(results).toHaveLength(50);
    expect(results.map((result) => (result.ok ? result.value : result.error))).toEqual(Array.from({ length: 50 }, (_, index) => index + 1));
    expect(redis.stats()).toMatchObject({ created: 1, acquired: 1 });
  });

  it('returns an error reply in its own result and carries on', async () => {
    const redis = open();
    const results = await redis.bulk([['SET', 'bulk-string', 'x'], ['LPUSH', 'bulk-string', 'y'], ['GET', 'bulk-string']]);
    expect(results[0]).toEqual({ ok: true, value: 'OK' });
    expect(results[1]).toMatchObject({ ok: false, error: { code: 'REDIS_REPLY', replyCode: 'WRONGTYPE' } });
    expect(results[2]).toEqual({ ok: true, value: 'x' });
  });

  it('rejects a bad argument anywhere before sending any command', async () => {
    const redis = open();
    await expect(redis.bulk([['SET', 'bulk-never', '1'], ['SET', 'k', {} as unknown as string]])).rejects.toMatchObject({
      code: 'INVALID_ARGUMENT',
      message: expect.stringContaining('bulk command 2'),
    });
    expect(await redis.execute('EXISTS', 'bulk-never')).toBe(0);
  });
});

describe('pub/sub', () => {
  it('delivers channel and pattern messages published through the pool, via async iteration', async () => {
    const redis = open();
    const subscriber = await redis.subscriber();
    await subscriber.subscribe('news');
    await subscriber.psubscribe('alerts.*');
    expect(await redis.publish('news', 'hello')).toBe(1);
    expect(await redis.publish('alerts.fire', 'run')).toBe(1);
    const received: SubscriberMessage[] = [];
    for await (const message of subscriber) {
      received.push(message);
      if (received.length === 2) break;
    }
    expect(received).toEqual([
      { channel: 'news', message: 'hello' },
      { pattern: 'alerts.*', channel: 'alerts.fire', message: 'run' },
    ]);
    await subscriber.close();
  });

  it('keeps its connection outside the pool', async () => {
    const redis = open({ size: 1 });
    const subscriber = await redis.subscriber();
    await subscriber.subscribe('outside');
    expect(redis.stats()).toMatchObject({ created: 0, inUse: 0 });
    expect(await redis.execute('PING')).toBe('PONG');
    await subscriber.close();
  });

  it('stops receiving after unsubscribe', async () => {
    const redis = open();
    const subscriber = await redis.subscriber();
    await subscriber.subscribe('first', 'second');
    await subscriber.unsubscribe('first');
    expect(await redis.publish('first', 'lost')).toBe(0);
    expect(await redis.publish('second', 'kept')).toBe(1);
    const iterator = subscriber[Symbol.asyncIterator]();
    expect(await iterator.next()).toEqual({ done: false, value: { channel: 'second', message: 'kept' } });
    await subscriber.close();
  });

  it('delivers Buffers without an encoding', async () => {
    const redis = open({ encoding: null });
    const subscriber = await redis.subscriber();
    await subscriber.subscribe('bytes');
    await redis.publish('bytes', Buffer.from([0, 255, 1]));
    const { value } = await subscriber[Symbol.asyncIterator]().next();
    expect(Buffer.isBuffer((value as SubscriberMessage).message)).toBe(true);
    expect([...((value as SubscriberMessage).message as Buffer)]).toEqual([0, 255, 1]);
    await subscriber.close();
  });

  it('ends iteration on close and rejects later subscribes with SUBSCRIBER_CLOSED', async () => {
    const redis = open();
    const subscriber = await redis.subscriber();
    await subscriber.subscribe('closing');
    const pending = subscriber[Symbol.asyncIterator]().next();
    await subscriber.close();
    expect(await pending).toEqual({ done: true, value: undefined });
    await expect(subscriber.subscribe('again')).rejects.toMatchObject({ code: 'SUBSCRIBER_CLOSED' });
  });

  it('throws REDIS_CONNECTION from iteration when its connection is killed', async () => {
    const redis = open();
    const subscriber = await redis.subscriber();
    await subscriber.subscribe('doomed');
    // Regression: the close event can beat the CLIENT KILL reply, so the expectation is attached before the kill;
    // attached after it, the rejection could be seen as unhandled.
    const pending = expect(subscriber[Symbol.asyncIterator]().next()).rejects.toMatchObject({ code: 'REDIS_CONNECTION' });
    await redis.execute('CLIENT', 'KILL', 'TYPE', 'pubsub');
    await pending;
  });
});
