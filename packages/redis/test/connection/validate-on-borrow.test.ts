import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { useRedisServer, warm } from '../support/harness.js';

const harness = useRedisServer();

describe.each([
  ['exclusive', false],
  ['multiplexed', true],
] as const)('dead idle connections in %s mode', (_, multiplex) => {
  it('sequential PINGs after CLIENT KILL TYPE normal all succeed (a dead idle connection is never used)', async () => {
    const redis = harness.open({ size: 6, multiplex });
    await warm(redis, 6);
    await harness.client().call('CLIENT', 'KILL', 'TYPE', 'normal');
    // The server closed them before it answered the kill; the pool learns of it from their sockets, which this one
    // turn of the event loop delivers.
    await new Promise((resolve) => setImmediate(resolve));
    const replies: unknown[] = [];
    for (let call = 0; call < 6; call++) replies.push(await redis.execute('PING').catch((error: unknown) => error));
    expect(replies).toEqual(Array.from({ length: 6 }, () => 'PONG'));
  });
});

describe('dead idle connections in exclusive mode, noticed only at the end of the turn', () => {
  it('a PING whose connection closed before its write is sent on another connection (never written, so safe)', async () => {
    const redis = harness.open({ size: 6 });
    await warm(redis, 6);
    // No turn of the event loop in between: the first PING may borrow a connection whose close is not yet seen.
    await harness.client().call('CLIENT', 'KILL', 'TYPE', 'normal');
    const replies: unknown[] = [];
    for (let call = 0; call < 6; call++) replies.push(await redis.execute('PING').catch((error: unknown) => error));
    expect(replies).toEqual(Array.from({ length: 6 }, () => 'PONG'));
  });
});

describe('dead idle connections and use()', () => {
  it('use() never hands the callback a connection that ioredis has closed', async () => {
    const redis = harness.open({ size: 6 });
    await warm(redis, 6);
    await harness.client().call('CLIENT', 'KILL', 'TYPE', 'normal');
    // The connections die while idle; some time passes before the next borrow.
    await sleep(50);
    const statuses: string[] = [];
    for (let call = 0; call < 6; call++) statuses.push(await redis.use((connection) => connection.status));
    expect(statuses).toEqual(Array.from({ length: 6 }, () => 'ready'));
    expect(await redis.use((connection) => connection.ping())).toBe('PONG');
  });
});
