import { afterEach, describe, expect, it, vi } from 'vitest';
import { createPool, type Factory, type PoolError } from '@pool/core';
import { flush, useFakeClock } from './support/pool-helpers.js';

afterEach(() => {
  vi.useRealTimers();
});

/** A factory whose creates finish only when the test says so, and that stops early when its signal aborts. */
function abortableFactory() {
  const pending: { signal: AbortSignal; finish: () => void }[] = [];
  const destroyed: object[] = [];
  const factory: Factory<object> = {
    create: (signal?: AbortSignal) =>
      new Promise<object>((resolve, reject) => {
        if (signal === undefined) throw new Error('the pool must pass a signal');
        signal.addEventListener('abort', () => reject(signal.reason), { once: true });
        pending.push({ signal, finish: () => resolve({}) });
      }),
    destroy: (resource: object) => {
      destroyed.push(resource);
    },
  };
  return { factory, pending, destroyed };
}

describe('the signal given to create', () => {
  it('a create that stops when the pool closes lets close resolve, with no error reported', async () => {
    const { factory, pending } = abortableFactory();
    const pool = createPool(factory, { size: 2 });
    const errors: PoolError[] = [];
    pool.on('error', (error) => errors.push(error));
    const acquiring = pool.acquire().catch((error: unknown) => error);
    await flush();
    await pool.close();
    expect(pending[0]?.signal.aborted).toBe(true);
    expect(await acquiring).toMatchObject({ code: 'POOL_CLOSED' });
    expect(errors).toEqual([]);
    expect(pool.stats()).toMatchObject({ creating: 0, created: 0, destroyed: 0 });
  });

  it('a create that stops at createTimeoutMs is counted once and frees its slot', async () => {
    useFakeClock();
    const { factory, pending } = abortableFactory();
    const pool = createPool(factory, { size: 1, createTimeoutMs: 1_000 });
    const errors: PoolError[] = [];
    pool.on('error', (error) => errors.push(error));
    const acquiring = pool.acquire().catch((error: unknown) => error);
    await vi.advanceTimersByTimeAsync(1_000);
    expect(await acquiring).toMatchObject({ code: 'CREATE_TIMEOUT' });
    expect(pending[0]?.signal.aborted).toBe(true);
    await flush();
    expect(errors).toEqual([]);
    expect(pool.stats()).toMatchObject({ creating: 0, createErrors: 1 });
    await vi.advanceTimersByTimeAsync(100); // the backoff delay after the failure
    const next = pool.acquire();
    await flush();
    pending[1]?.finish();
    expect(await next).toEqual({});
  });

  it('a shrink aborts the signal of the background creates it cancels and keeps the others', async () => {
    const { factory, pending, destroyed } = abortableFactory();
    const pool = createPool(factory, { size: 3, minIdle: 3 });
    await flush();
    expect(pool.stats()).toMatchObject({ creating: 3 });
    await pool.resize(1);
    await flush();
    expect(pending.map((create) => create.signal.aborted)).toEqual([false, true, true]);
    pending[0]?.finish();
    await flush();
    expect(pool.stats()).toMatchObject({ idle: 1, creating: 0 });
    expect(destroyed).toEqual([]);
  });

  it('a create that returns after its create timeout is destroyed, exactly once, and never handed out', async () => {
    useFakeClock();
    const destroyed: object[] = [];
    let finish: (resource: object) => void = () => {};
    const pool = createPool(
      {
        create: () => new Promise<object>((resolve) => (finish = resolve)), // ignores its signal
        destroy: (resource: object) => void destroyed.push(resource),
      },
      { size: 1, createTimeoutMs: 1_000, acquireTimeoutMs: Infinity },
    );
    const first = pool.acquire().catch((error: unknown) => error);
    await vi.advanceTimersByTimeAsync(1_000);
    expect(await first).toMatchObject({ code: 'CREATE_TIMEOUT' });
    const late = {};
    finish(late);
    await flush();
    expect(destroyed).toEqual([late]);
    expect(pool.stats()).toMatchObject({ idle: 0, inUse: 0, creating: 0, created: 1, destroyed: 1 });
  });
});
