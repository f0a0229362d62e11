import { afterEach, describe, expect, it, vi } from 'vitest';
import { AcquireTimeoutError, QueueFullError, createPool } from '@pool/core';
import { ControlledFactory, ValidatingFactory, flush, rejectionOf, stateOf, useFakeClock } from './support/pool-helpers.js';

afterEach(() => {
  vi.useRealTimers();
});

describe('acquire timeouts and the wait queue', () => {
  it('an acquire that waits past acquireTimeoutMs rejects with AcquireTimeoutError carrying a snapshot', async () => {
    useFakeClock();
    const factory = new ControlledFactory();
    const pool = createPool(factory, { size: 1, acquireTimeoutMs: 1_000 });
    const held = await pool.acquire();
    const timingOut = rejectionOf(pool.acquire());
    const patient = pool.acquire({ timeoutMs: Infinity });
    await vi.advanceTimersByTimeAsync(999);
    expect(await stateOf(timingOut)).toBe('pending');
    await vi.advanceTimersByTimeAsync(1);
    const error = await timingOut;
    expect(error).toBeInstanceOf(AcquireTimeoutError);
    expect(error).toMatchObject({
      code: 'ACQUIRE_TIMEOUT',
      // Both callers were waiting when the first one gave up.
      snapshot: { size: 1, idle: 0, inUse: 1, creating: 0, waiting: 2 },
    });
    expect(pool.stats()).toMatchObject({ timeouts: 1, waiting: 1 });
    await pool.release(held);
    expect(await patient).toBe(held);
  });

  it('an acquire timeout carries a create error from its wait as its cause', async () => {
    useFakeClock();
    const factory = new ControlledFactory();
    const failure = new Error('connection refused');
    const gate = factory.holdNextCreate();
    factory.createErrors.push(failure);
    const pool = createPool(factory, { size: 1, createRetryDelayMs: 1_000, createRetryMaxDelayMs: 1_000 });
    const owner = rejectionOf(pool.acquire({ timeoutMs: 1_000 }));
    const waiting = rejectionOf(pool.acquire({ timeoutMs: 100 }));
    await vi.advanceTimersByTimeAsync(50);
    gate.resolve(); // the owner's create fails during the second caller's wait
    expect(await owner).toMatchObject({ code: 'CREATE_FAILED', cause: failure });
    // The pool now backs off (500..1000 ms), so this waiter sees no create before its timeout.
    await vi.advanceTimersByTimeAsync(50);
    expect(await waiting).toMatchObject({ code: 'ACQUIRE_TIMEOUT', cause: failure });
  });

  // Regression (issue 9, case 9): the timeout of a simply exhausted pool carried an old ECONNREFUSED as its cause.
  it('an acquire timeout on an exhausted pool carries no cause from a create failure before its wait', async () => {
    useFakeClock();
    const factory = new ControlledFactory();
    factory.createErrors.push(new Error('ECONNREFUSED'));
    const pool = createPool(factory, { size: 1 });
    await expect(pool.acquire()).rejects.toMatchObject({ code: 'CREATE_FAILED' });
    await vi.advanceTimersByTimeAsync(1_000);
    const held = await pool.acquire();
    const waiting = rejectionOf(pool.acquire({ timeoutMs: 100 }));
    await vi.advanceTimersByTimeAsync(100);
    const error = await waiting;
    expect(error).toMatchObject({ code: 'ACQUIRE_TIMEOUT' });
    expect((error as Error).cause).toBeUndefined();
    await pool.release(held);
  });

  it('a per-call timeoutMs makes a fail-fast pool wait', async () => {
    useFakeClock();
    const factory = new ControlledFactory();
    const pool = createPool(factory, { size: 1 });
    const held = await pool.acquire();
    const waiting = pool.acquire({ timeoutMs: 1_000 });
    await vi.advanceTimersByTimeAsync(500);
    await pool.release(held);
    expect(await waiting).toBe(held);
  });

  it('a per-call timeoutMs of 0 fails fast on a waiting pool', async () => {
    const factory = new ControlledFactory();
    const pool = createPool(factory, { size: 1, acquireTimeoutMs: Infinity });
    await pool.acquire();
    await expect(pool.acquire({ timeoutMs: 0 })).rejects.toMatchObject({
      code: 'POOL_EXHAUSTED',
      message: 'Max resources 1 exhausted',
    });
    expect(pool.stats()).toMatchObject({ waiting: 0 });
  });

  it('a per-call negative timeoutMs rejects with INVALID_OPTION', async () => {
    const pool = createPool(new ControlledFactory(), { size: 1 });
    await expect(pool.acquire({ timeoutMs: -1 })).rejects.toMatchObject({ code: 'INVALID_OPTION' });
    await expect(pool.acquire({ timeoutMs: Number.NaN })).rejects.toMatchObject({ code: 'INVALID_OPTION' });
  });

  // Regression: an unknown key was ignored, so acquire({ acquireTimeoutMs: 1000 }) (the pool option's name) failed
  // fast with POOL_EXHAUSTED where the caller meant to wait.
  it('an acquire option the call does not have (the pool option acquireTimeoutMs) rejects with INVALID_OPTION naming it', async () => {
    const factory = new ControlledFactory();
    const pool = createPool(factory, { size: 1 });
    const misnamed = { acquireTimeoutMs: 1_000 } as unknown as { timeoutMs: number };
    await expect(pool.acquire(misnamed)).rejects.toMatchObject({
      code: 'INVALID_OPTION',
      message: 'unknown acquire option acquireTimeoutMs (the options are timeoutMs, signal, priority)',
    });
    expect(pool.stats()).toMatchObject({ inUse: 0, creating: 0, waiting: 0, acquired: 0 });
    expect(factory.created).toHaveLength(0);
  });

  it('an acquire that times out while its create is in flight leaves the resource to the next waiter', async () => {
    useFakeClock();
    const factory = new ControlledFactory();
    const gate = factory.holdNextCreate();
    const pool = createPool(factory, { size: 1 });
    const timingOut = rejectionOf(pool.acquire({ timeoutMs: 100 }));
    const next = pool.acquire({ timeoutMs: Infinity });
    await vi.advanceTimersByTimeAsync(100);
    expect(await timingOut).toMatchObject({ code: 'ACQUIRE_TIMEOUT' });
    gate.resolve();
    const resource = await next;
    expect(resource).toBe(factory.created[0]);
    expect(pool.stats()).toMatchObject({ inUse: 1, created: 1, destroyed: 0 });
  });

  it('an acquire that times out while its create is in flight leaves the resource idle when nobody waits', async () => {
    useFakeClock();
    const factory = new ControlledFactory();
    const gate = factory.holdNextCreate();
    const pool = createPool(factory, { size: 1 });
    const timingOut = rejectionOf(pool.acquire({ timeoutMs: 100 }));
    await vi.advanceTimersByTimeAsync(100);
    expect(await timingOut).toMatchObject({ code: 'ACQUIRE_TIMEOUT' });
    gate.resolve();
    await flush();
    expect(pool.stats()).toMatchObject({ idle: 1, inUse: 0, creating: 0, created: 1, destroyed: 0 });
    expect(await pool.acquire()).toBe(factory.created[0]);
  });

  it('maxWaiting refuses the next caller with QueueFullError', async () => {
    const factory = new ControlledFactory();
    const pool = createPool(factory, { size: 1, acquireTimeoutMs: Infinity, maxWaiting: 1 });
    const held = await pool.acquire();
    const queued = pool.acquire();
    const error = await rejectionOf(pool.acquire());
    expect(error).toBeInstanceOf(QueueFullError);
    expect(error).toMatchObject({ code: 'QUEUE_FULL', snapshot: { size: 1, inUse: 1, waiting: 1 } });
    await pool.release(held);
    expect(await queued).toBe(held);
  });

  it('maxWaiting 0 refuses every caller that would wait', async () => {
    const pool = createPool(new ControlledFactory(), { size: 1, acquireTimeoutMs: Infinity, maxWaiting: 0 });
    await pool.acquire();
    await expect(pool.acquire()).rejects.toMatchObject({ code: 'QUEUE_FULL' });
  });

  it('a timed-out waiter never receives a resource later', async () => {
    useFakeClock();
    const factory = new ControlledFactory();
    const pool = createPool(factory, { size: 1, acquireTimeoutMs: 100 });
    const held = await pool.acquire();
    const timingOut = rejectionOf(pool.acquire());
    await vi.advanceTimersByTimeAsync(100);
    expect(await timingOut).toMatchObject({ code: 'ACQUIRE_TIMEOUT' });
    await pool.release(held);
    await flush();
    expect(pool.stats()).toMatchObject({ idle: 1, inUse: 0, waiting: 0, acquired: 1 });
  });

  it('an acquire timeout also bounds the wait while an idle resource is validated for it', async () => {
    useFakeClock();
    const factory = new ValidatingFactory();
    const pool = createPool(factory, { size: 1, validateTimeoutMs: 5_000 });
    const resource = await pool.acquire();
    await pool.release(resource);
    let finishValidation: (valid: boolean) => void = () => {};
    factory.validation = () => new Promise<boolean>((resolve) => (finishValidation = resolve));
    const timingOut = rejectionOf(pool.acquire({ timeoutMs: 100 }));
    await vi.advanceTimersByTimeAsync(100);
    expect(await stateOf(timingOut)).toBe('fulfilled');
    expect(await timingOut).toMatchObject({ code: 'ACQUIRE_TIMEOUT' });
    finishValidation(true);
    await flush();
    expect(pool.stats()).toMatchObject({ idle: 1, inUse: 0, destroyed: 0 });
  });
});
