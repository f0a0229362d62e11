import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { collectWarnings, constantLoad, useRedisServer } from '../support/harness.js';

const harness = useRedisServer();

describe('multiplexed connections follow the pool rules', () => {
  it('after close() a new execute rejects POOL_CLOSED at once, even while a shared connection is held', async () => {
    const redis = harness.open({ size: 1, multiplex: true, readTimeoutMs: 5000 });
    await redis.execute('PING');
    harness.server.pause();
    const inFlight = redis.execute('PING').catch((error: unknown) => error);
    await expect.poll(() => redis.stats().multiplexInFlight).toBe(1);
    const closing = redis.close({ timeoutMs: 2000 });
    const late: unknown = await redis.execute('PING').catch((error: unknown) => error);
    harness.server.resume();
    expect(late).toMatchObject({ code: 'POOL_CLOSED' });
    await inFlight;
    await closing;
  });

  it('maxLifetimeMs rotates the shared connections under constant use, without failing a command', async () => {
    const redis = harness.open({ size: 1, multiplex: true, maxLifetimeMs: 200, acquireTimeoutMs: 2000 });
    // More callers than maxInFlightPerConnection: the shared connection never runs dry.
    const load = constantLoad(redis, 200, 'heal:lifetime');
    try {
      await expect.poll(() => redis.stats().destroyed, { timeout: 5000 }).toBeGreaterThanOrEqual(2);
    } finally {
      expect(await load.stop()).toEqual([]);
    }
  });

  it('idleTimeoutMs retires the shared connections a burst opened once a steady light load no longer needs them', async () => {
    const redis = harness.open({ size: 4, multiplex: true, idleTimeoutMs: 300, acquireTimeoutMs: 2000, maxInFlightPerConnection: 8 });
    await Promise.all(Array.from({ length: 400 }, (_, index) => redis.execute('ECHO', `burst ${index}`)));
    expect(redis.stats().created).toBe(4);
    const load = constantLoad(redis, 2, 'heal:idle');
    try {
      await expect.poll(() => redis.stats().destroyed, { timeout: 5000 }).toBeGreaterThanOrEqual(2);
    } finally {
      expect(await load.stop()).toEqual([]);
    }
  });

  it('the pool never reports its own shared holds as a leak', async () => {
    // The multiplexer gives a hold back after half of leakDetectionMs, once its commands in flight are answered.
    const redis = harness.open({ size: 1, multiplex: true, leakDetectionMs: 400, acquireTimeoutMs: 2000 });
    const leaks: unknown[] = [];
    redis.pool.on('leak', (report) => leaks.push(report));
    const load = constantLoad(redis, 200, 'heal:leak');
    await sleep(1500);
    expect(await load.stop()).toEqual([]);
    expect(leaks).toEqual([]);
  });

  it('a failed acquire fails only the commands whose own deadline passed', async () => {
    const redis = harness.open({ size: 1, multiplex: true, acquireTimeoutMs: 1000 });
    const lease = await redis.lease();
    const first = redis.execute('PING').catch((error: unknown) => error);
    await sleep(500);
    // Queued half-way through the first one's wait: its deadline comes 500 ms later.
    const second = redis.execute('PING').catch((error: unknown) => error);
    expect(await first).toMatchObject({ code: 'ACQUIRE_TIMEOUT' });
    await lease.release();
    expect(await second).toBe('PONG');
  });

  it('commands failing on a stalled shared connection add no listeners (no process warning)', async () => {
    const redis = harness.open({ size: 1, multiplex: true, readTimeoutMs: 200, connTimeoutMs: 200, maxInFlightPerConnection: 256 });
    await redis.execute('PING');
    const warnings = await collectWarnings(async () => {
      harness.server.pause();
      const outcomes = await Promise.all(Array.from({ length: 200 }, () => redis.execute('PING').catch((error: unknown) => error)));
      harness.server.resume();
      for (const outcome of outcomes) expect(outcome).toMatchObject({ code: expect.stringMatching(/^REDIS_(TIMEOUT|CONNECTION)$/) });
    });
    expect(warnings).toEqual([]);
    expect(await redis.execute('PING')).toBe('PONG');
  });
});
