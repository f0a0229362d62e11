import { afterEach, describe, expect, it, vi } from 'vitest';
import { createPool } from '@pool/core/generic-pool';
import { flush, useFakeClock } from '../support/pool-helpers.js';
import { RecordingFactory, nextEvent } from './support.js';

// generic-pool's own known failures, each replayed against the entry point.

describe('generic-pool failures the entry does not have', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  // Regression (generic-pool): a create error left the waiting acquire hanging until some other event dispensed.
  it('a create that fails 3 times then succeeds serves the waiting acquire; each failure is a factoryCreateError', async () => {
    const factory = new RecordingFactory();
    const failures = [new Error('ECONNREFUSED 1'), new Error('ECONNREFUSED 2'), new Error('ECONNREFUSED 3')];
    factory.createErrors.push(...failures);
    const pool = createPool(factory, { max: 1 });
    const reported: unknown[] = [];
    pool.on('factoryCreateError', (error) => reported.push(error));
    const connection = await pool.acquire();
    expect(connection.open).toBe(true);
    expect(reported).toEqual(failures);
    expect(factory.createCalls).toBe(4);
    expect([pool.size, pool.borrowed, pool.pending]).toEqual([1, 1, 0]);
    await pool.release(connection);
    await pool.drain();
    await pool.clear();
  });

  it('a factory that is down keeps the waiter waiting (with backoff, not a hot loop) until acquireTimeoutMillis', async () => {
    useFakeClock();
    const factory = new RecordingFactory();
    for (let i = 0; i < 10_000; i++) factory.createErrors.push(new Error('down'));
    const pool = createPool(factory, { max: 1, acquireTimeoutMillis: 2_000 });
    pool.on('factoryCreateError', () => {});
    const outcome = pool.acquire().catch((error: unknown) => error);
    await vi.advanceTimersByTimeAsync(2_100);
    const error = await outcome;
    expect(error).toMatchObject({ name: 'TimeoutError', code: 'ACQUIRE_TIMEOUT' });
    // Exponential backoff from 100 ms: a handful of tries in 2 s, not thousands.
    expect(factory.createCalls).toBeGreaterThan(1);
    expect(factory.createCalls).toBeLessThan(15);
    factory.createErrors.length = 0;
    await pool.drain();
  });

  // generic-pool needs evictionRunIntervalMillis before anything is evicted; here idle resources above min go anyway.
  it('evicts idle resources above min after idleTimeoutMillis without the evictor switched on, and keeps min', async () => {
    useFakeClock();
    const factory = new RecordingFactory();
    const pool = createPool(factory, { max: 3, min: 1, idleTimeoutMillis: 1_000 });
    const held = [await pool.acquire(), await pool.acquire(), await pool.acquire()];
    for (const connection of held) await pool.release(connection);
    expect(pool.available).toBe(3);
    await vi.advanceTimersByTimeAsync(2_000);
    await flush();
    expect(pool.available).toBe(1);
    expect(factory.destroyed).toHaveLength(2);
    await pool.drain();
  });

  it('with evictionRunIntervalMillis, idleTimeoutMillis evicts min resources too and they are replaced (generic-pool\'s rule)', async () => {
    useFakeClock();
    const factory = new RecordingFactory();
    const pool = createPool(factory, { max: 2, min: 2, idleTimeoutMillis: 100, evictionRunIntervalMillis: 10 });
    await pool.ready();
    const first = [...factory.created];
    await vi.advanceTimersByTimeAsync(300);
    await flush();
    expect(first.every((connection) => factory.destroyed.includes(connection))).toBe(true);
    expect(pool.available).toBe(2);
    await pool.drain();
  });

  it('softIdleTimeoutMillis evicts down to min only', async () => {
    useFakeClock();
    const factory = new RecordingFactory();
    const pool = createPool(factory, { max: 3, min: 1, softIdleTimeoutMillis: 100, evictionRunIntervalMillis: 10 });
    const held = [await pool.acquire(), await pool.acquire(), await pool.acquire()];
    for (const connection of held) await pool.release(connection);
    await vi.advanceTimersByTimeAsync(500);
    await flush();
    expect(pool.available).toBe(1);
    await pool.drain();
  });

  // Regression (generic-pool): with no destroyTimeoutMillis, a destroy that never settles hangs clear() forever.
  it('a destroy that never settles does not hang drain() and clear(): it is reported after destroyTimeoutMillis', async () => {
    const factory = new RecordingFactory();
    factory.destroyGate = new Promise<void>(() => {});
    const pool = createPool(factory, { max: 2, destroyTimeoutMillis: 50 });
    const reported = nextEvent(pool, 'factoryDestroyError');
    const connection = await pool.acquire();
    await pool.release(connection);
    await pool.drain();
    await pool.clear();
    expect(String(await reported)).toMatch(/destroy timed out/);
    expect([pool.size, pool.available, pool.borrowed]).toEqual([0, 0, 0]);
  });

  it('without destroyTimeoutMillis, a stuck destroy is given up after 5 s, not waited for forever', async () => {
    useFakeClock();
    const factory = new RecordingFactory();
    factory.destroyGate = new Promise<void>(() => {});
    const pool = createPool(factory, { max: 1 });
    const reported: unknown[] = [];
    pool.on('factoryDestroyError', (error) => reported.push(error));
    await pool.release(await pool.acquire());
    let cleared = false;
    const clearing = pool.drain().then(() => {
      cleared = true;
    });
    await vi.advanceTimersByTimeAsync(4_000);
    expect(cleared).toBe(false);
    await vi.advanceTimersByTimeAsync(1_500);
    await clearing;
    expect(reported).toHaveLength(1);
    expect(reported[0]).toMatchObject({ code: 'DESTROY_TIMEOUT' });
  });

  it('factoryDestroyError carries the factory\'s destroy error, and the resource still counts as gone', async () => {
    const factory = new RecordingFactory();
    const failure = new Error('socket already closed');
    factory.destroy = async () => {
      throw failure;
    };
    const pool = createPool(factory, { max: 1 });
    const connection = await pool.acquire();
    const reported = nextEvent(pool, 'factoryDestroyError');
    await pool.destroy(connection);
    expect(await reported).toBe(failure);
    expect(pool.size).toBe(0);
    await pool.drain();
  });
});
