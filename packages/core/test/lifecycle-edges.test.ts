import { subscribe, unsubscribe } from 'node:diagnostics_channel';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createPool, type PoolError } from '@pool/core';
import { ControlledFactory, deferred, flush, rejectionOf, stateOf, useFakeClock } from './support/pool-helpers.js';

afterEach(() => {
  vi.useRealTimers();
});

/** A factory whose creates never answer and ignore their abort signal (the factory contract allows it). */
function hangingCreates(factory: ControlledFactory, count: number): void {
  for (let i = 0; i < count; i++) factory.holdNextCreate();
}

describe('a create timeout is a create failure', () => {
  // Regression (issue 9, case 1): a background create that timed out was counted but never reported.
  it('a background create that times out is reported as an error event and on the diagnostics channel', async () => {
    useFakeClock();
    const factory = new ControlledFactory();
    hangingCreates(factory, 1);
    const errors: PoolError[] = [];
    const published: unknown[] = [];
    const onError = (message: unknown) => published.push(message);
    subscribe('@pool/core:error', onError);
    try {
      const pool = createPool(factory, { size: 2, minIdle: 1, createTimeoutMs: 100 });
      pool.on('error', (error) => errors.push(error));
      await vi.advanceTimersByTimeAsync(100);
      expect(errors.map((error) => error.code)).toEqual(['CREATE_TIMEOUT']);
      expect(published).toEqual([{ pool, error: errors[0] }]);
      expect(pool.stats()).toMatchObject({ createErrors: 1, creating: 0 });
      await pool.close();
    } finally {
      unsubscribe('@pool/core:error', onError);
    }
  });

  // Regression (issue 9, case 1): two creates that outlived createTimeoutMs (ignoring the abort) left the pool at
  // `idle 0, creating 0` forever; minIdle was never refilled.
  it('creates that time out and ignore their abort are retried until minIdle is refilled', async () => {
    useFakeClock();
    const factory = new ControlledFactory();
    hangingCreates(factory, 2);
    const pool = createPool(factory, { size: 4, minIdle: 2, createTimeoutMs: 100 });
    pool.on('error', () => {});
    await vi.advanceTimersByTimeAsync(100);
    expect(pool.stats()).toMatchObject({ idle: 0, creating: 0, createErrors: 2 });
    await vi.advanceTimersByTimeAsync(1_000); // past the backoff: a probe, then the rest
    expect(pool.stats()).toMatchObject({ idle: 2, creating: 0, created: 2 });
    expect(factory.createCalls).toBe(4);
    await pool.close({ timeoutMs: 0 });
  });
});

describe('backoff that heals', () => {
  // Regression (issue 9, case 2): each of 16 failures in one burst doubled the delay, up to the 5 s cap.
  it('16 creates failing together count as one failure: the probe comes after the first delay', async () => {
    useFakeClock();
    vi.spyOn(Math, 'random').mockReturnValue(0.999_999);
    const factory = new ControlledFactory();
    const gates = Array.from({ length: 16 }, () => factory.holdNextCreate());
    for (let i = 0; i < 16; i++) factory.createErrors.push(new Error('ECONNREFUSED'));
    const pool = createPool(factory, { size: 16, acquireTimeoutMs: 10_000 });
    const first = Array.from({ length: 16 }, () => rejectionOf(pool.acquire()));
    for (const gate of gates) gate.resolve();
    for (const outcome of first) expect(await outcome).toMatchObject({ code: 'CREATE_FAILED' });
    const waiting = pool.acquire();
    await flush();
    expect(pool.stats()).toMatchObject({ creating: 0, waiting: 1 });
    await vi.advanceTimersByTimeAsync(100); // createRetryDelayMs: one failure counted, not sixteen
    expect(factory.createCalls).toBe(17);
    expect(await waiting).toBeDefined();
  });

  it('while backing off, at most one create (a probe) runs, and its success serves every waiter at once', async () => {
    useFakeClock();
    const factory = new ControlledFactory();
    factory.createErrors.push(new Error('down'));
    const pool = createPool(factory, { size: 8, acquireTimeoutMs: 10_000 });
    await expect(pool.acquire()).rejects.toMatchObject({ code: 'CREATE_FAILED' });
    const probeGate = factory.holdNextCreate();
    const waiters = Array.from({ length: 5 }, () => pool.acquire());
    await vi.advanceTimersByTimeAsync(100);
    expect(pool.stats()).toMatchObject({ creating: 1, waiting: 5 });
    await vi.advanceTimersByTimeAsync(1_000);
    expect(pool.stats()).toMatchObject({ creating: 1 });
    probeGate.resolve();
    await flush();
    expect(pool.stats()).toMatchObject({ inUse: 5, waiting: 0 });
    expect(factory.createCalls).toBe(6);
    for (const resource of await Promise.all(waiters)) await pool.release(resource);
  });

  it('16 callers on a factory down for 300 ms, each trying again after CREATE_FAILED: all served within 1 s of recovery, no hot loop', async () => {
    useFakeClock();
    vi.spyOn(Math, 'random').mockReturnValue(0.999_999); // the longest jitter: the slowest recovery
    const start = Date.now();
    const upAt = start + 300;
    let callsWhileDown = 0;
    const pool = createPool(
      {
        create: async () => {
          await Promise.resolve();
          if (Date.now() < upAt) {
            callsWhileDown++;
            throw new Error('ECONNREFUSED');
          }
          return {};
        },
        destroy: () => {},
      },
      { size: 16, acquireTimeoutMs: 5_000 },
    );
    const servedAt: number[] = [];
    const caller = async (): Promise<void> => {
      for (let attempt = 0; attempt < 100; attempt++) {
        try {
          const resource = await pool.acquire();
          servedAt.push(Date.now());
          await pool.release(resource);
          return;
        } catch (error) {
          if ((error as PoolError).code !== 'CREATE_FAILED') throw error;
        }
      }
    };
    const callers = Array.from({ length: 16 }, caller);
    await vi.advanceTimersByTimeAsync(2_000);
    await Promise.all(callers);
    expect(servedAt).toHaveLength(16);
    expect(Math.min(...servedAt) - upAt).toBeLessThanOrEqual(1_000);
    // 16 at once, then one probe per backoff step (100, 200 ms... with jitter): a handful, not a loop.
    expect(callsWhileDown).toBeLessThanOrEqual(16 + 5);
    await pool.close();
  });

  // Regression (issue 9, case 3): after a failure with nobody waiting, a later acquire sat at `creating 0,
  // waiting 1` until a retry timer fired.
  it('an acquire made after the backoff delay has passed starts a create at once', async () => {
    useFakeClock();
    const factory = new ControlledFactory();
    factory.createErrors.push(new Error('ECONNREFUSED'));
    const pool = createPool(factory, { size: 2, acquireTimeoutMs: 1_000 });
    await expect(pool.acquire()).rejects.toMatchObject({ code: 'CREATE_FAILED' });
    await vi.advanceTimersByTimeAsync(5_000);
    const acquiring = pool.acquire();
    expect(pool.stats()).toMatchObject({ creating: 1, waiting: 1 });
    expect(await acquiring).toBeDefined();
  });

  it('a fail-fast acquire during the backoff delay is refused with the last create error, without a create', async () => {
    useFakeClock();
    const factory = new ControlledFactory();
    const failure = new Error('ECONNREFUSED');
    factory.createErrors.push(failure);
    const pool = createPool(factory, { size: 2 });
    await expect(pool.acquire()).rejects.toMatchObject({ code: 'CREATE_FAILED' });
    expect(await rejectionOf(pool.acquire())).toMatchObject({ code: 'CREATE_FAILED', cause: failure });
    expect(factory.createCalls).toBe(1);
  });
});

describe('destroyTimeoutMs and a bounded close', () => {
  it('a destroy that outlives destroyTimeoutMs is reported as DESTROY_TIMEOUT, counted, and counts as done', async () => {
    useFakeClock();
    const factory = new ControlledFactory();
    const pool = createPool(factory, { size: 1, destroyTimeoutMs: 1_000 });
    const errors: PoolError[] = [];
    pool.on('error', (error) => errors.push(error));
    const resource = await pool.acquire();
    resource.broken = true;
    factory.destroyGates.push(deferred<void>()); // never settles
    const released = pool.release(resource);
    await vi.advanceTimersByTimeAsync(999);
    expect(await stateOf(released)).toBe('pending');
    await vi.advanceTimersByTimeAsync(1);
    expect(await stateOf(released)).toBe('fulfilled');
    expect(errors.map((error) => error.code)).toEqual(['DESTROY_TIMEOUT']);
    expect(pool.stats()).toMatchObject({ destroyed: 1, destroyErrors: 1 });
    await pool.close();
  });

  // Regression (issue 9, case 5): a destroy that never settled made close({ timeoutMs: 200 }) pend forever.
  it('close({ timeoutMs }) resolves at its deadline although a destroy never settles', async () => {
    useFakeClock();
    const factory = new ControlledFactory();
    const pool = createPool(factory, { size: 1 });
    const errors: PoolError[] = [];
    pool.on('error', (error) => errors.push(error));
    await pool.release(await pool.acquire());
    factory.destroyGates.push(deferred<void>()); // never settles
    const closing = pool.close({ timeoutMs: 200 });
    await vi.advanceTimersByTimeAsync(200);
    expect(await stateOf(closing)).toBe('fulfilled');
    expect(errors.map((error) => error.code)).toEqual(['DESTROY_TIMEOUT']);
    expect(pool.stats()).toMatchObject({ created: 1, destroyed: 1, destroyErrors: 1 });
  });

  // Regression (issue 9, case 5): a create that ignored its abort signal made close({ timeoutMs: 200 }) pend forever.
  it('close({ timeoutMs }) resolves at its deadline although a create ignores its abort; its late result is destroyed', async () => {
    useFakeClock();
    const factory = new ControlledFactory();
    const gate = factory.holdNextCreate();
    const pool = createPool(factory, { size: 1 });
    const errors: PoolError[] = [];
    pool.on('error', (error) => errors.push(error));
    const acquiring = rejectionOf(pool.acquire());
    const closing = pool.close({ timeoutMs: 200 });
    expect(await acquiring).toMatchObject({ code: 'POOL_CLOSED' });
    await vi.advanceTimersByTimeAsync(199);
    expect(await stateOf(closing)).toBe('pending');
    await vi.advanceTimersByTimeAsync(1);
    expect(await stateOf(closing)).toBe('fulfilled');
    expect(errors.map((error) => error.code)).toEqual(['CREATE_TIMEOUT']);
    gate.resolve();
    await flush();
    expect(pool.stats()).toMatchObject({ created: 1, destroyed: 1 });
    expect(factory.alive()).toEqual([]);
  });

  it('close() without a timeout still ends: a stuck destroy after destroyTimeoutMs, a stuck create after createTimeoutMs', async () => {
    useFakeClock();
    const factory = new ControlledFactory();
    const pool = createPool(factory, { size: 2, createTimeoutMs: 3_000, destroyTimeoutMs: 1_000 });
    pool.on('error', () => {});
    await pool.release(await pool.acquire());
    factory.destroyGates.push(deferred<void>());
    factory.holdNextCreate();
    const held = await pool.acquire({ timeoutMs: Infinity }); // takes the idle one
    const second = rejectionOf(pool.acquire({ timeoutMs: Infinity })); // a create that never answers
    const closing = pool.close();
    expect(await second).toMatchObject({ code: 'POOL_CLOSED' });
    const released = pool.release(held); // its destroy never settles
    await vi.advanceTimersByTimeAsync(1_000);
    expect(await stateOf(released)).toBe('fulfilled');
    expect(await stateOf(closing)).toBe('pending'); // the create still has until createTimeoutMs
    await vi.advanceTimersByTimeAsync(2_000);
    expect(await stateOf(closing)).toBe('fulfilled');
    expect(pool.stats()).toMatchObject({ destroyed: 1, destroyErrors: 1 });
  });
});

describe('minIdle resources', () => {
  // Regression (issue 9, case 7): the reaper kept both, then acquire() destroyed both as expired and created anew.
  it('resources kept for minIdle are served by an acquire, never expired by it', async () => {
    useFakeClock();
    const factory = new ControlledFactory();
    const pool = createPool(factory, { size: 2, minIdle: 2, idleTimeoutMs: 100 });
    await flush();
    expect(pool.stats()).toMatchObject({ idle: 2, created: 2 });
    await vi.advanceTimersByTimeAsync(400);
    expect(pool.stats()).toMatchObject({ idle: 2, destroyed: 0 });
    const resource = await pool.acquire();
    expect(factory.created).toContain(resource);
    expect(pool.stats()).toMatchObject({ created: 2, destroyed: 0, inUse: 1 });
    await pool.release(resource);
    await pool.close();
  });
});
