import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { useRedisServer } from '../support/harness.js';

const harness = useRedisServer();

describe('pub/sub subscriber', () => {
  const subscribers = async (channel: string): Promise<number> => {
    const reply = (await harness.client().pubsub('NUMSUB', channel)) as [string, number];
    return Number(reply[1]);
  };

  it.each(['break', 'throw'])('leaving the async iteration by %s unsubscribes and closes it', async (how) => {
    const redis = harness.open();
    const subscriber = await redis.subscriber();
    await subscriber.subscribe(`heal:leave:${how}`);
    await redis.publish(`heal:leave:${how}`, 'one');
    const leave = async (): Promise<void> => {
      for await (const message of subscriber) {
        expect(message.message).toBe('one');
        if (how === 'break') break;
        throw new Error('reader left');
      }
    };
    if (how === 'throw') await expect(leave()).rejects.toThrow('reader left');
    else await leave();
    expect(subscriber.isClosed).toBe(true);
    await expect.poll(() => subscribers(`heal:leave:${how}`)).toBe(0);
  });

  it('buffers at most its high-water mark of unread messages, then reads again as the consumer catches up', async () => {
    const redis = harness.open();
    const subscriber = await redis.subscriber({ highWaterMark: 100 });
    await subscriber.subscribe('heal:flood');
    const publisher = harness.client();
    const total = 20_000;
    const payload = 'x'.repeat(64);
    const pipeline = publisher.pipeline();
    for (let index = 0; index < total; index++) pipeline.publish('heal:flood', `${index}:${payload}`);
    await pipeline.exec();
    // Give the socket time to deliver what it will: a paused reader leaves the rest in the kernel and the server.
    await sleep(200);
    // One socket read (64 KiB) may overshoot the mark; an unbounded buffer would hold most of the 20,000.
    expect(subscriber.bufferedMessages).toBeLessThan(100 + 1_000);
    let next = 0;
    for await (const { message } of subscriber) {
      expect(String(message).split(':')[0]).toBe(String(next));
      next++;
      if (next === total) break;
    }
    expect(next).toBe(total);
  });
});
