import { AsyncLocalStorage } from 'node:async_hooks';
import { tracingChannel } from 'node:diagnostics_channel';
import { describe, expect, it } from 'vitest';
import { useRedisServer, warm } from '../support/harness.js';

const harness = useRedisServer();

describe('async context', () => {
  const storage = new AsyncLocalStorage<string>();
  const channel = tracingChannel<unknown, { command: string; args: string[] }>('ioredis:command');

  it.each([
    ['exclusive', false],
    ['multiplexed', true],
  ] as const)('in %s mode each command reaches ioredis in its own caller context', async (_, multiplex) => {
    const redis = harness.open({ size: 5, multiplex, acquireTimeoutMs: 5000 });
    await warm(redis, 5);
    const seen: string[] = [];
    const start = (context: { command: string; args: string[] }): void => {
      if (context.command.toUpperCase() === 'GET') seen.push(`${context.args[0]}@${storage.getStore() ?? 'none'}`);
    };
    const handlers = { start, end: () => undefined, asyncStart: () => undefined, asyncEnd: () => undefined, error: () => undefined };
    channel.subscribe(handlers);
    try {
      await Promise.all(['A', 'B', 'C', 'D', 'E'].map((trace) => storage.run(trace, () => redis.execute('GET', `heal:trace:${trace}`))));
    } finally {
      channel.unsubscribe(handlers);
    }
    expect(seen.sort()).toEqual(['A', 'B', 'C', 'D', 'E'].map((trace) => `heal:trace:${trace}@${trace}`));
  });
});
