import { describe, expect, it } from 'vitest';
import { createPool } from '@pool/core';
import { ControlledFactory, flush, rejectionOf, stateOf, withinLimit } from './support/pool-helpers.js';

describe('resize', () => {
  it('growth serves a waiter at once', async () => {
    const factory = new ControlledFactory();
    const pool = createPool(factory, { size: 1, acquireTimeoutMs: Infinity });
    const held = await pool.acquire();
    const waiting = pool.acquire();
    expect(await stateOf(waiting)).toBe('pending');
    await pool.resize(2);
    const fresh = await waiting;
    expect(fresh).not.toBe(held);
    expect(pool.stats()).toMatchObject({ size: 2, inUse: 2, waiting: 0 });
  });

  // Regression: pyredis' size setter raced acquire; creates in flight must not overshoot a shrink.
  it('a shrink while creates are in flight never lets the pool exceed its size', async () => {
    const factory = new ControlledFactory();
    const gates = [factory.holdNextCreate(), factory.holdNextCreate(), factory.holdNextCreate()];
    const pool = createPool(factory, { size: 3, acquireTimeoutMs: Infinity });
    const acquires = [pool.acquire(), pool.acquire(), pool.acquire()] as const;
    await flush();
    expect(pool.stats()).toMatchObject({ creating: 3 });
    await pool.resize(1);
    expect(withinLimit(pool.stats())).toBe(true);
    expect(factory.signals.filter((signal) => signal.aborted)).toHaveLength(2);
    for (const gate of gates) {
      gate.resolve();
      await flush();
      expect(withinLimit(pool.stats())).toBe(true);
      expect(factory.alive().length).toBeLessThanOrEqual(1);
    }
    const first = await acquires[0];
    expect(pool.stats()).toMatchObject({ inUse: 1, waiting: 2, created: 3, destroyed: 2 });
    await pool.release(first);
    expect(await acquires[1]).toBe(first);
    await pool.release(first);
    expect(await acquires[2]).toBe(first);
    expect(factory.alive()).toEqual([first]);
  });

  it('the size setter shrinks like resize, also while creates are in flight', async () => {
    const factory = new ControlledFactory();
    const gates = [factory.holdNextCreate(), factory.holdNextCreate()];
    const pool = createPool(factory, { size: 2, acquireTimeoutMs: Infinity });
    const acquires = [pool.acquire(), pool.acquire()] as const;
    await flush();
    pool.size = 1;
    expect(pool.size).toBe(1);
    expect(withinLimit(pool.stats())).toBe(true);
    for (const gate of gates) gate.resolve();
    await flush();
    expect(withinLimit(pool.stats())).toBe(true);
    expect(factory.alive()).toHaveLength(1);
    const first = await acquires[0];
    await pool.release(first);
    expect(await acquires[1]).toBe(first);
  });

  it('a shrink cancels a fail-fast caller whose create it aborted with POOL_EXHAUSTED', async () => {
    const factory = new ControlledFactory();
    const gates = [factory.holdNextCreate(), factory.holdNextCreate()];
    const pool = createPool(factory, { size: 2 });
    const first = pool.acquire();
    const second = pool.acquire();
    await pool.resize(1);
    await expect(second).rejects.toMatchObject({ code: 'POOL_EXHAUSTED' });
    for (const gate of gates) gate.resolve();
    await first;
    await flush();
    expect(factory.alive()).toHaveLength(1);
    expect(pool.stats()).toMatchObject({ inUse: 1, creating: 0, created: 2, destroyed: 1 });
  });

  it('after a shrink below the in-use count, a waiter is served only once the pool is back under its size', async () => {
    const factory = new ControlledFactory();
    const pool = createPool(factory, { size: 2, acquireTimeoutMs: Infinity });
    const [a, b] = [await pool.acquire(), await pool.acquire()];
    const waiting = pool.acquire();
    await pool.resize(1);
    await pool.release(a);
    expect(a.alive).toBe(false);
    expect(await stateOf(waiting)).toBe('pending');
    expect(pool.stats()).toMatchObject({ inUse: 1, creating: 0, waiting: 1 });
    await pool.release(b);
    expect(await waiting).toBe(b);
    expect(factory.createCalls).toBe(2);
  });

  it.each([0, -1, 1.5, Number.NaN, Infinity, '2'])('resize(%s) rejects with INVALID_OPTION and keeps the size', async (bad) => {
    const pool = createPool(new ControlledFactory(), { size: 3 });
    const error = await rejectionOf(pool.resize(bad as number));
    expect(error).toMatchObject({ code: 'INVALID_OPTION' });
    expect(pool.size).toBe(3);
  });

  it.each([0, -1, 1.5, Number.NaN, '2'])('setting size to %s throws INVALID_OPTION and keeps the size', (bad) => {
    const pool = createPool(new ControlledFactory(), { size: 3 });
    expect(() => {
      pool.size = bad as number;
    }).toThrow(expect.objectContaining({ code: 'INVALID_OPTION' }));
    expect(pool.size).toBe(3);
  });

  it('resize after close rejects with POOL_CLOSED', async () => {
    const pool = createPool(new ControlledFactory(), { size: 3 });
    await pool.close();
    await expect(pool.resize(2)).rejects.toMatchObject({ code: 'POOL_CLOSED' });
    expect(() => {
      pool.size = 2;
    }).toThrow(expect.objectContaining({ code: 'POOL_CLOSED' }));
  });
});
