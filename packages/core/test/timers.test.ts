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

interface RecordedTimer {
  readonly delayMs: number;
  readonly handle: NodeJS.Timeout;
}

/** Records every timer started from now on (the real ones), with its delay, to check which keep the process alive. */
function recordTimers(): { timeouts: RecordedTimer[]; intervals: RecordedTimer[] } {
  const recorded = { timeouts: [] as RecordedTimer[], intervals: [] as RecordedTimer[] };
  const setTimeoutSpy = vi.spyOn(globalThis, 'setTimeout');
  const setIntervalSpy = vi.spyOn(globalThis, 'setInterval');
  const read = (spy: typeof setTimeoutSpy | typeof setIntervalSpy, into: RecordedTimer[]): void => {
    spy.mock.calls.forEach((call, index) => {
      const result = spy.mock.results[index];
      if (result?.type === 'return') into.push({ delayMs: Number(call[1]), handle: result.value as NodeJS.Timeout });
    });
  };
  return {
    get timeouts() {
      recorded.timeouts = [];
      read(setTimeoutSpy, recorded.timeouts);
      return recorded.timeouts;
    },
    get intervals() {
      recorded.intervals = [];
      read(setIntervalSpy, recorded.intervals);
      return recorded.intervals;
    },
  };
}

/** Lets real time pass (through `setImmediate` turns, so no timer of ours is involved) until `condition` holds. */
async function until(condition: () => boolean): Promise<void> {
  const deadline = Date.now() + 5_000;
  while (!condition() && Date.now() < deadline) await new Promise<void>((resolve) => setImmediate(resolve));
  expect(condition()).toBe(true);
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

  it('background timers never keep the process alive: reaper, minIdle refill, leak detection, an unneeded retry', async () => {
    const timers = recordTimers();
    const factory = new ValidatingFactory();
    factory.createErrors.push(new Error('refused')); // the first background create fails: a retry nobody waits for
    const pool = createPool(factory, {
      ...TIMED_OPTIONS,
      idleTimeoutMs: 40_000,
      maxLifetimeMs: 60_000,
      createRetryDelayMs: 10,
      createRetryMaxDelayMs: 10,
    });
    pool.on('error', () => {});
    await flush();
    expect(pool.stats()).toMatchObject({ createErrors: 1, waiting: 0 });
    await until(() => pool.stats().idle === 1);
    const held = await pool.acquire(); // a leak timer, and a minIdle refill
    await flush();
    const reaper = timers.intervals.filter((timer) => timer.delayMs === 1_000);
    const retries = timers.timeouts.filter((timer) => timer.delayMs > 0 && timer.delayMs <= 10);
    const leaks = timers.timeouts.filter((timer) => timer.delayMs === TIMED_OPTIONS.leakDetectionMs);
    expect(reaper.length * retries.length * leaks.length).toBeGreaterThan(0);
    expect([...reaper, ...retries, ...leaks].filter((timer) => timer.handle.hasRef())).toEqual([]);
    await pool.release(held);
    await pool.close();
  });

  // Regression (issue 9, case 4): every pool timer was unref'd, so a script exited with its acquire pending.
  it("a timer that will settle a caller's pending promise keeps the process alive", async () => {
    const timers = recordTimers();
    const factory = new ValidatingFactory();
    const pool = createPool(factory, { size: 1, createTimeoutMs: 7_000 });
    const gate = factory.holdNextCreate();
    const creating = pool.acquire(); // fail-fast, but its create's timeout will settle it
    const createTimer = timers.timeouts.find((timer) => timer.delayMs === 7_000);
    expect(createTimer?.handle.hasRef()).toBe(true);
    gate.resolve();
    const held = await creating;
    const waiting = pool.acquire({ timeoutMs: 60_000 });
    const waitTimer = timers.timeouts.find((timer) => timer.delayMs === 60_000);
    expect(waitTimer?.handle.hasRef()).toBe(true);
    await pool.release(held);
    expect(await waiting).toBe(held);
    await pool.release(held);
    await pool.close();
  });
});
