import { subscribe, unsubscribe } from 'node:diagnostics_channel';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { DestroyError, createPool, type LeakReport, type PoolError } from '@pool/core';
import { ControlledFactory, flush, useFakeClock, type TestResource } from './support/pool-helpers.js';

afterEach(() => {
  vi.useRealTimers();
});

describe('events', () => {
  it('emits create, acquire, release and destroy with the resource, in order', async () => {
    const factory = new ControlledFactory();
    const pool = createPool(factory, { size: 1 });
    const seen: [string, TestResource][] = [];
    for (const event of ['create', 'acquire', 'release', 'destroy'] as const) {
      pool.on(event, (resource: TestResource) => seen.push([event, resource]));
    }
    const resource = await pool.acquire();
    resource.broken = true;
    await pool.release(resource);
    expect(seen).toEqual([
      ['create', resource],
      ['acquire', resource],
      ['release', resource],
      ['destroy', resource],
    ]);
  });

  // Regression: pyredis' fire-and-forget closes lost their errors.
  it('a failed destroy is counted and emitted as a DestroyError with the factory error as cause', async () => {
    const factory = new ControlledFactory();
    const failure = new Error('socket already gone');
    factory.destroyError = failure;
    const pool = createPool(factory, { size: 1 });
    const errors: PoolError[] = [];
    pool.on('error', (error) => errors.push(error));
    const resource = await pool.acquire();
    resource.broken = true;
    await expect(pool.release(resource)).resolves.toBeUndefined();
    expect(errors).toHaveLength(1);
    expect(errors[0]).toBeInstanceOf(DestroyError);
    expect(errors[0]).toMatchObject({ code: 'DESTROY_FAILED', cause: failure });
    expect(pool.stats()).toMatchObject({ destroyed: 1, destroyErrors: 1 });
  });

  it('a destroy that throws synchronously is counted and emitted like a rejection', async () => {
    const failure = new Error('sync destroy failure');
    const pool = createPool(
      {
        create: () => ({}),
        destroy: () => {
          throw failure;
        },
      },
      { size: 1 },
    );
    const errors: PoolError[] = [];
    pool.on('error', (error) => errors.push(error));
    await pool.release(await pool.acquire());
    await expect(pool.close()).resolves.toBeUndefined();
    expect(errors).toEqual([expect.objectContaining({ code: 'DESTROY_FAILED', cause: failure })]);
    expect(pool.stats()).toMatchObject({ created: 1, destroyed: 1, destroyErrors: 1 });
  });

  it('a failed destroy during close is counted and emitted, and close still resolves', async () => {
    const factory = new ControlledFactory();
    factory.destroyError = new Error('cannot close');
    const pool = createPool(factory, { size: 2 });
    const errors: PoolError[] = [];
    pool.on('error', (error) => errors.push(error));
    await pool.release(await pool.acquire());
    await pool.close();
    expect(errors.map((error) => error.code)).toEqual(['DESTROY_FAILED']);
    expect(pool.stats()).toMatchObject({ created: 1, destroyed: 1, destroyErrors: 1 });
  });

  it('with no error listener a failed destroy becomes a process warning, not a crash', async () => {
    const warn = vi.spyOn(process, 'emitWarning').mockImplementation(() => {});
    const factory = new ControlledFactory();
    factory.destroyError = new Error('socket already gone');
    const pool = createPool(factory, { size: 1 });
    const resource = await pool.acquire();
    resource.broken = true;
    await pool.release(resource);
    await pool.close();
    expect(warn).toHaveBeenCalledTimes(1);
    expect(warn).toHaveBeenCalledWith(
      expect.stringContaining('socket already gone'),
      expect.objectContaining({ code: 'DESTROY_FAILED' }),
    );
    expect(pool.stats()).toMatchObject({ destroyErrors: 1 });
  });

  it('leak fires once, with the stack of the acquire, when a resource is held past leakDetectionMs', async () => {
    useFakeClock();
    const factory = new ControlledFactory();
    const pool = createPool(factory, { size: 1, leakDetectionMs: 1_000 });
    const leaks: LeakReport<TestResource>[] = [];
    pool.on('leak', (report) => leaks.push(report));
    const resource = await pool.acquire();
    await vi.advanceTimersByTimeAsync(999);
    expect(leaks).toEqual([]);
    await vi.advanceTimersByTimeAsync(1);
    expect(leaks).toHaveLength(1);
    expect(leaks[0]?.resource).toBe(resource);
    expect(leaks[0]?.heldMs).toBe(1_000);
    expect(leaks[0]?.acquireStack).toContain('events.test.ts');
    await vi.advanceTimersByTimeAsync(10_000);
    expect(leaks).toHaveLength(1);
    await pool.release(resource);
  });

  it('leak does not fire for a resource released in time, nor after it is acquired again within the limit', async () => {
    useFakeClock();
    const factory = new ControlledFactory();
    const pool = createPool(factory, { size: 1, leakDetectionMs: 1_000 });
    const leak = vi.fn();
    pool.on('leak', leak);
    const resource = await pool.acquire();
    await vi.advanceTimersByTimeAsync(900);
    await pool.release(resource);
    await pool.acquire();
    await vi.advanceTimersByTimeAsync(900);
    expect(leak).not.toHaveBeenCalled();
    await vi.advanceTimersByTimeAsync(100);
    expect(leak).toHaveBeenCalledTimes(1);
  });

  it('publishes create, acquire, release and destroy on the @pool/core diagnostics channels', async () => {
    const factory = new ControlledFactory();
    const pool = createPool(factory, { size: 1 });
    const messages: [string, unknown][] = [];
    const names = ['create', 'acquire', 'release', 'destroy'].map((event) => `@pool/core:${event}`);
    const listeners = names.map((name) => {
      const listener = (message: unknown): void => {
        messages.push([name, message]);
      };
      subscribe(name, listener);
      return listener;
    });
    try {
      const resource = await pool.acquire();
      resource.broken = true;
      await pool.release(resource);
      await flush();
      expect(messages).toEqual([
        ['@pool/core:create', { pool, resource, durationMs: expect.any(Number) }],
        ['@pool/core:acquire', { pool, resource, waitMs: expect.any(Number) }],
        ['@pool/core:release', { pool, resource, useMs: expect.any(Number) }],
        ['@pool/core:destroy', { pool, resource }],
      ]);
    } finally {
      names.forEach((name, index) => unsubscribe(name, listeners[index] as (message: unknown) => void));
    }
  });

  it('publishes destroy errors on @pool/core:error and leaks on @pool/core:leak', async () => {
    useFakeClock();
    const factory = new ControlledFactory();
    factory.destroyError = new Error('socket already gone');
    const pool = createPool(factory, { size: 1, leakDetectionMs: 1_000 });
    pool.on('error', () => {});
    const errors: unknown[] = [];
    const leaks: unknown[] = [];
    const onError = (message: unknown): void => void errors.push(message);
    const onLeak = (message: unknown): void => void leaks.push(message);
    subscribe('@pool/core:error', onError);
    subscribe('@pool/core:leak', onLeak);
    try {
      const resource = await pool.acquire();
      await vi.advanceTimersByTimeAsync(1_000);
      expect(leaks).toEqual([expect.objectContaining({ resource, heldMs: 1_000 })]);
      resource.broken = true;
      await pool.release(resource);
      expect(errors).toEqual([{ pool, error: expect.objectContaining({ code: 'DESTROY_FAILED' }) }]);
    } finally {
      unsubscribe('@pool/core:error', onError);
      unsubscribe('@pool/core:leak', onLeak);
    }
  });
});
