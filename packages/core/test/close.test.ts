import { afterEach, describe, expect, it, vi } from 'vitest';
import { PoolClosedError, createPool } from '@pool/core';
import { ControlledFactory, deferred, flush, rejectionOf, stateOf, useFakeClock } from './support/pool-helpers.js';

afterEach(() => {
  vi.useRealTimers();
});

describe('close', () => {
  it('after close, acquire rejects at once with PoolClosedError', async () => {
    const factory = new ControlledFactory();
    const pool = createPool(factory, { size: 2 });
    await pool.close();
    const error = await rejectionOf(pool.acquire());
    expect(error).toBeInstanceOf(PoolClosedError);
    expect(error).toMatchObject({ code: 'POOL_CLOSED' });
    expect(factory.createCalls).toBe(0);
    expect(pool.isClosed).toBe(true);
  });

  it('close rejects every waiter with POOL_CLOSED', async () => {
    const factory = new ControlledFactory();
    const pool = createPool(factory, { size: 1, acquireTimeoutMs: Infinity });
    const held = await pool.acquire();
    const waiting = [pool.acquire(), pool.acquire()];
    const closing = pool.close();
    for (const waiter of waiting) await expect(waiter).rejects.toMatchObject({ code: 'POOL_CLOSED' });
    expect(pool.stats()).toMatchObject({ waiting: 0 });
    await pool.release(held);
    await closing;
  });

  it('close destroys idle resources now and resolves only once the held ones are released and destroyed', async () => {
    const factory = new ControlledFactory();
    const pool = createPool(factory, { size: 3 });
    const [a, b] = [await pool.acquire(), await pool.acquire()];
    await pool.release(a);
    const closing = pool.close();
    await flush();
    expect(factory.destroyed).toEqual([a]);
    expect(await stateOf(closing)).toBe('pending');
    await pool.release(b);
    await closing;
    expect(factory.destroyed).toEqual([a, b]);
    expect(pool.stats()).toMatchObject({ idle: 0, inUse: 0, created: 2, destroyed: 2 });
  });

  it('close resolves only when every created resource is destroyed, slow destroys included', async () => {
    const factory = new ControlledFactory();
    const pool = createPool(factory, { size: 2 });
    await pool.release(await pool.acquire());
    const slowDestroy = deferred<void>();
    factory.destroyGates.push(slowDestroy);
    const closing = pool.close();
    expect(await stateOf(closing)).toBe('pending');
    slowDestroy.resolve();
    await closing;
    const stats = pool.stats();
    expect(stats.created).toBe(stats.destroyed);
  });

  it('close aborts the signal of every create in flight and destroys what they still return', async () => {
    const factory = new ControlledFactory();
    const gates = [factory.holdNextCreate(), factory.holdNextCreate()];
    const pool = createPool(factory, { size: 2, minIdle: 1 });
    const acquiring = pool.acquire();
    await flush();
    expect(factory.signals).toHaveLength(2);
    const closing = pool.close();
    expect(factory.signals.every((signal) => signal.aborted)).toBe(true);
    await expect(acquiring).rejects.toMatchObject({ code: 'POOL_CLOSED' });
    expect(await stateOf(closing)).toBe('pending');
    for (const gate of gates) gate.resolve();
    await closing;
    expect(factory.created).toHaveLength(2);
    expect(factory.alive()).toEqual([]);
    expect(pool.stats()).toMatchObject({ created: 2, destroyed: 2, destroyErrors: 0 });
  });

  it('close is idempotent: a second close waits for the same end and destroys nothing twice', async () => {
    const factory = new ControlledFactory();
    const pool = createPool(factory, { size: 2 });
    const held = await pool.acquire();
    await pool.release(await pool.acquire());
    const first = pool.close();
    const second = pool.close();
    expect(await stateOf(second)).toBe('pending');
    await pool.release(held);
    await Promise.all([first, second]);
    await pool.close();
    expect(factory.destroyed).toHaveLength(2);
    expect(pool.stats()).toMatchObject({ created: 2, destroyed: 2, destroyErrors: 0 });
  });

  it('close({ timeoutMs }) destroys held resources after the timeout and their late release resolves quietly', async () => {
    useFakeClock();
    const factory = new ControlledFactory();
    const pool = createPool(factory, { size: 2 });
    const held = await pool.acquire();
    const closing = pool.close({ timeoutMs: 1_000 });
    await vi.advanceTimersByTimeAsync(999);
    expect(held.alive).toBe(true);
    expect(await stateOf(closing)).toBe('pending');
    await vi.advanceTimersByTimeAsync(1);
    await closing;
    expect(held.alive).toBe(false);
    await expect(pool.release(held)).resolves.toBeUndefined();
    expect(factory.destroyed).toEqual([held]);
    expect(pool.stats()).toMatchObject({ inUse: 0, created: 1, destroyed: 1, destroyErrors: 0 });
  });

  it('close({ timeoutMs }) with a bad timeout rejects with INVALID_OPTION and leaves the pool open', async () => {
    const pool = createPool(new ControlledFactory(), { size: 2 });
    await expect(pool.close({ timeoutMs: -1 })).rejects.toMatchObject({ code: 'INVALID_OPTION' });
    expect(pool.isClosed).toBe(false);
    await pool.close();
  });

  // Regression: an unknown key was ignored, so close({ timeout: 5_000 }) waited for every held resource, unbounded.
  it('a close option the call does not have rejects with INVALID_OPTION naming it and leaves the pool open', async () => {
    const pool = createPool(new ControlledFactory(), { size: 2 });
    const misnamed = { timeout: 5_000 } as unknown as { timeoutMs: number };
    await expect(pool.close(misnamed)).rejects.toMatchObject({
      code: 'INVALID_OPTION',
      message: 'unknown close option timeout (the options are timeoutMs, serveWaiting)',
    });
    expect(pool.isClosed).toBe(false);
    await pool.close();
  });

  it('release after close destroys the resource', async () => {
    const factory = new ControlledFactory();
    const pool = createPool(factory, { size: 2 });
    const held = await pool.acquire();
    const closing = pool.close();
    await pool.release(held);
    await closing;
    expect(held.alive).toBe(false);
  });
});
