import { afterEach, describe, expect, it, vi } from 'vitest';
import { createPool } from '@pool/core';
import { ValidatingFactory, flush, useFakeClock } from './support/pool-helpers.js';

afterEach(() => {
  vi.useRealTimers();
});

/** Every option that starts a timer. */
const TIMED_OPTIONS = {
  size: 2,
  minIdle: 1,
  acquireTimeoutMs: 5_000,
  createTimeoutMs: 5_000,
  validateTimeoutMs: 5_000,
  idleTimeoutMs: 10_000,
  maxLifetimeMs: 60_000,
  leakDetectionMs: 1_000,
} as const;

/** Ref'd timers of this process: the ones that keep it alive. */
function refTimerCount(): number {
  return process.getActiveResourcesInfo().filter((kind) => kind === 'Timeout').length;
}

describe('timers', () => {
  it('no pool timer remains after close', async () => {
    useFakeClock();
    const factory = new ValidatingFactory();
    const pool = createPool(factory, TIMED_OPTIONS);
    pool.on('error', () => {});
    await flush();
    const [broken, held] = [await pool.acquire(), await pool.acquire()]; // leak timers
    const failed = pool.acquire().catch((error: unknown) => error); // a waiter timer, then a create timer
    factory.createErrors.push(new Error('refused'));
    broken.broken = true;
    await pool.release(broken);
    expect(await failed).toMatchObject({ code: 'CREATE_FAILED' });
    const backingOff = pool.acquire().catch((error: unknown) => error); // a waiter timer and a retry timer
    await flush();
    expect(vi.getTimerCount()).toBeGreaterThan(0);
    const closing = pool.close({ timeoutMs: 30_000 });
    expect(await backingOff).toMatchObject({ code: 'POOL_CLOSED' });
    await pool.release(held);
    await closing;
    expect(pool.stats()).toMatchObject({ created: 2, destroyed: 2 });
    expect(vi.getTimerCount()).toBe(0);
  });

  it('no pool timer remains after close({ timeoutMs }) that did not need its timeout', async () => {
    useFakeClock();
    const factory = new ValidatingFactory();
    const pool = createPool(factory, TIMED_OPTIONS);
    const held = await pool.acquire();
    const closing = pool.close({ timeoutMs: 30_000 });
    await pool.release(held);
    await closing;
    expect(vi.getTimerCount()).toBe(0);
  });

  it('no pool timer keeps the process alive while the pool is busy', async () => {
    const factory = new ValidatingFactory();
    factory.holdNextCreate(); // a create that stays in flight, under createTimeoutMs
    const before = refTimerCount();
    const pool = createPool(factory, { ...TIMED_OPTIONS, minIdle: 0 });
    const acquires = [pool.acquire(), pool.acquire()];
    expect(pool.stats()).toMatchObject({ creating: 2, waiting: 2 });
    expect(refTimerCount()).toBe(before);
    factory.createGates.shift()?.resolve();
    for (const resource of await Promise.all(acquires)) await pool.release(resource);
    await pool.close();
    expect(pool.stats()).toMatchObject({ created: 2, destroyed: 2 });
  });
});
