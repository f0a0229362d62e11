import { subscribe, unsubscribe } from 'node:diagnostics_channel';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createPool, type PoolError } from '@pool/core';
import { ControlledFactory, ValidatingFactory, deferred, flush, rejectionOf, type TestResource } from './support/pool-helpers.js';

// The acquire, release and create events carry how long the caller waited, held and the create took, read from
// performance.now(); a failed acquire is published as acquireFailed with its code and wait. The clock is faked
// (performance included) so each duration is exact.

function useFakeClockWithPerformance(): void {
  vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'setInterval', 'clearInterval', 'Date', 'performance'] });
}

/** Records every event's arguments, in order. */
function record<T>(pool: ReturnType<typeof createPool<T>>): [string, ...unknown[]][] {
  const seen: [string, ...unknown[]][] = [];
  for (const event of ['create', 'acquire', 'release', 'acquireFailed'] as const) {
    pool.on(event, (...args: unknown[]) => seen.push([event, ...args]));
  }
  return seen;
}

/** Subscribes to a diagnostics channel for the duration of `body`. */
async function withChannel(name: string, body: (messages: unknown[]) => Promise<void>): Promise<void> {
  const messages: unknown[] = [];
  const listener = (message: unknown): void => void messages.push(message);
  subscribe(name, listener);
  try {
    await body(messages);
  } finally {
    unsubscribe(name, listener);
  }
}

afterEach(() => {
  vi.useRealTimers();
});

describe('timings on the acquire, release and create events', () => {
  it('create reports how long factory.create() took, as durationMs', async () => {
    useFakeClockWithPerformance();
    const factory = new ControlledFactory();
    const gate = factory.holdNextCreate();
    const pool = createPool(factory, { size: 1, acquireTimeoutMs: 10_000 });
    const seen = record(pool);
    const acquiring = pool.acquire();
    await vi.advanceTimersByTimeAsync(120);
    gate.resolve();
    const resource = await acquiring;
    expect(seen.find(([event]) => event === 'create')).toEqual(['create', resource, 120]);
  });

  it('acquire reports how long the caller waited for a create as waitMs', async () => {
    useFakeClockWithPerformance();
    const factory = new ControlledFactory();
    const gate = factory.holdNextCreate();
    const pool = createPool(factory, { size: 1, acquireTimeoutMs: 10_000 });
    const seen = record(pool);
    const acquiring = pool.acquire();
    await vi.advanceTimersByTimeAsync(75);
    gate.resolve();
    const resource = await acquiring;
    expect(seen.find(([event]) => event === 'acquire')).toEqual(['acquire', resource, 75]);
  });

  it('acquire of an idle resource reports waitMs 0', async () => {
    useFakeClockWithPerformance();
    const pool = createPool(new ControlledFactory(), { size: 1 });
    await pool.release(await pool.acquire());
    const seen = record(pool);
    await vi.advanceTimersByTimeAsync(500);
    const resource = await pool.acquire();
    expect(seen).toEqual([['acquire', resource, 0]]);
  });

  it('a waiter served by a release reports the time from its acquire() to the release as waitMs', async () => {
    useFakeClockWithPerformance();
    const pool = createPool(new ControlledFactory(), { size: 1, acquireTimeoutMs: 10_000 });
    const held = await pool.acquire();
    const seen = record(pool);
    const waiting = pool.acquire();
    await vi.advanceTimersByTimeAsync(300);
    await pool.release(held);
    expect(await waiting).toBe(held);
    expect(seen.filter(([event]) => event === 'acquire')).toEqual([['acquire', held, 300]]);
  });

  it('acquire from idle through validate() counts the validation in waitMs', async () => {
    useFakeClockWithPerformance();
    const factory = new ValidatingFactory();
    const pool = createPool(factory, { size: 1 });
    await pool.release(await pool.acquire());
    const check = deferred<boolean>();
    factory.validation = () => check.promise;
    const seen = record(pool);
    const acquiring = pool.acquire();
    await vi.advanceTimersByTimeAsync(40);
    check.resolve(true);
    const resource = await acquiring;
    expect(seen).toEqual([['acquire', resource, 40]]);
  });

  it('release reports how long the caller held the resource as useMs', async () => {
    useFakeClockWithPerformance();
    const pool = createPool(new ControlledFactory(), { size: 1 });
    const seen = record(pool);
    const resource = await pool.acquire();
    await vi.advanceTimersByTimeAsync(250);
    await pool.release(resource);
    expect(seen.filter(([event]) => event === 'release')).toEqual([['release', resource, 250]]);
  });

  it('a hold that began before anyone listened for release reports useMs NaN, the next one a number', async () => {
    useFakeClockWithPerformance();
    const pool = createPool(new ControlledFactory(), { size: 1 });
    const resource = await pool.acquire();
    const useTimes: number[] = [];
    pool.on('release', (_resource, useMs) => useTimes.push(useMs));
    await vi.advanceTimersByTimeAsync(10);
    await pool.release(resource);
    await pool.acquire();
    await vi.advanceTimersByTimeAsync(20);
    await pool.release(resource);
    expect(useTimes).toEqual([Number.NaN, 20]);
  });

  it('reads no clock on acquire and release once the last timing listener is removed', async () => {
    const pool = createPool(new ControlledFactory(), { size: 1 });
    const onRelease = (): void => {};
    pool.on('release', onRelease);
    await pool.release(await pool.acquire());
    pool.off('release', onRelease);
    const now = vi.spyOn(performance, 'now');
    try {
      await pool.release(await pool.acquire());
      expect(now).not.toHaveBeenCalled();
    } finally {
      now.mockRestore();
    }
  });

  it('the diagnostics channels carry the same timings: durationMs, waitMs, useMs', async () => {
    useFakeClockWithPerformance();
    const factory = new ControlledFactory();
    const gate = factory.holdNextCreate();
    const pool = createPool(factory, { size: 1, acquireTimeoutMs: 10_000 });
    await withChannel('@pool/core:create', async (creates) => {
      await withChannel('@pool/core:acquire', async (acquires) => {
        await withChannel('@pool/core:release', async (releases) => {
          const acquiring = pool.acquire();
          await vi.advanceTimersByTimeAsync(30);
          gate.resolve();
          const resource = await acquiring;
          await vi.advanceTimersByTimeAsync(45);
          await pool.release(resource);
          expect(creates).toEqual([{ pool, resource, durationMs: 30 }]);
          expect(acquires).toEqual([{ pool, resource, waitMs: 30 }]);
          expect(releases).toEqual([{ pool, resource, useMs: 45 }]);
        });
      });
    });
  });
});

describe('acquireFailed: every caller-visible acquire failure, with its code and wait', () => {
  /** The acquireFailed events seen, as [code, waitMs]. */
  function failures(pool: ReturnType<typeof createPool<TestResource>>): [string, number][] {
    const seen: [string, number][] = [];
    pool.on('acquireFailed', (error: PoolError, waitMs: number) => seen.push([error.code, waitMs]));
    return seen;
  }

  it('POOL_EXHAUSTED from a fail-fast acquire, waitMs 0', async () => {
    useFakeClockWithPerformance();
    const pool = createPool(new ControlledFactory(), { size: 1 });
    const seen = failures(pool);
    await pool.acquire();
    await expect(pool.acquire()).rejects.toMatchObject({ code: 'POOL_EXHAUSTED' });
    expect(seen).toEqual([['POOL_EXHAUSTED', 0]]);
  });

  it('ACQUIRE_TIMEOUT after the caller waited its timeoutMs', async () => {
    useFakeClockWithPerformance();
    const pool = createPool(new ControlledFactory(), { size: 1 });
    const seen = failures(pool);
    await pool.acquire();
    const waiting = rejectionOf(pool.acquire({ timeoutMs: 200 }));
    await vi.advanceTimersByTimeAsync(200);
    expect(await waiting).toMatchObject({ code: 'ACQUIRE_TIMEOUT' });
    expect(seen).toEqual([['ACQUIRE_TIMEOUT', 200]]);
  });

  it('QUEUE_FULL when maxWaiting callers already wait, waitMs 0', async () => {
    useFakeClockWithPerformance();
    const pool = createPool(new ControlledFactory(), { size: 1, acquireTimeoutMs: 1_000, maxWaiting: 1 });
    const seen = failures(pool);
    await pool.acquire();
    const first = rejectionOf(pool.acquire());
    expect(await rejectionOf(pool.acquire())).toMatchObject({ code: 'QUEUE_FULL' });
    await vi.advanceTimersByTimeAsync(1_000);
    await first;
    expect(seen).toEqual([
      ['QUEUE_FULL', 0],
      ['ACQUIRE_TIMEOUT', 1_000],
    ]);
  });

  it('ACQUIRE_ABORTED: after the wait when the signal aborts, 0 when it had aborted already', async () => {
    useFakeClockWithPerformance();
    const pool = createPool(new ControlledFactory(), { size: 1, acquireTimeoutMs: 10_000 });
    const seen = failures(pool);
    await pool.acquire();
    const controller = new AbortController();
    const waiting = rejectionOf(pool.acquire({ signal: controller.signal }));
    await vi.advanceTimersByTimeAsync(60);
    controller.abort();
    expect(await waiting).toMatchObject({ code: 'ACQUIRE_ABORTED' });
    expect(await rejectionOf(pool.acquire({ signal: controller.signal }))).toMatchObject({ code: 'ACQUIRE_ABORTED' });
    expect(seen).toEqual([
      ['ACQUIRE_ABORTED', 60],
      ['ACQUIRE_ABORTED', 0],
    ]);
  });

  it('POOL_CLOSED: for a waiter when the pool closes, and at once for an acquire after close()', async () => {
    useFakeClockWithPerformance();
    const pool = createPool(new ControlledFactory(), { size: 1, acquireTimeoutMs: 10_000 });
    const seen = failures(pool);
    const held = await pool.acquire();
    const waiting = rejectionOf(pool.acquire());
    await vi.advanceTimersByTimeAsync(80);
    const closing = pool.close();
    expect(await waiting).toMatchObject({ code: 'POOL_CLOSED' });
    expect(await rejectionOf(pool.acquire())).toMatchObject({ code: 'POOL_CLOSED' });
    await pool.release(held);
    await closing;
    expect(seen).toEqual([
      ['POOL_CLOSED', 80],
      ['POOL_CLOSED', 0],
    ]);
  });

  it('CREATE_FAILED and CREATE_TIMEOUT that reach the caller, after the create time', async () => {
    useFakeClockWithPerformance();
    const factory = new ControlledFactory();
    const pool = createPool(factory, { size: 1, acquireTimeoutMs: 10_000, createTimeoutMs: 500 });
    pool.on('error', () => {});
    const seen = failures(pool);
    const gate = factory.holdNextCreate();
    factory.createErrors.push(new Error('connection refused'));
    const failing = rejectionOf(pool.acquire());
    await vi.advanceTimersByTimeAsync(25);
    gate.resolve();
    expect(await failing).toMatchObject({ code: 'CREATE_FAILED' });
    factory.holdNextCreate();
    await vi.advanceTimersByTimeAsync(10_000);
    const stalled = rejectionOf(pool.acquire());
    await vi.advanceTimersByTimeAsync(500);
    expect(await stalled).toMatchObject({ code: 'CREATE_TIMEOUT' });
    expect(seen).toEqual([
      ['CREATE_FAILED', 25],
      ['CREATE_TIMEOUT', 500],
    ]);
  });

  it('the @pool/core:acquireFailed channel carries { pool, error, code, waitMs }', async () => {
    useFakeClockWithPerformance();
    const pool = createPool(new ControlledFactory(), { size: 1 });
    await pool.acquire();
    await withChannel('@pool/core:acquireFailed', async (messages) => {
      const waiting = rejectionOf(pool.acquire({ timeoutMs: 150 }));
      await vi.advanceTimersByTimeAsync(150);
      const error = await waiting;
      expect(messages).toEqual([{ pool, error, code: 'ACQUIRE_TIMEOUT', waitMs: 150 }]);
    });
  });

  it('an invalid call (INVALID_OPTION) is not an acquire failure', async () => {
    const pool = createPool(new ControlledFactory(), { size: 1 });
    const seen = failures(pool);
    await expect(pool.acquire({ timeoutMs: -1 })).rejects.toMatchObject({ code: 'INVALID_OPTION' });
    await flush();
    expect(seen).toEqual([]);
  });
});
