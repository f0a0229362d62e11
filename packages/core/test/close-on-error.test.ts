import { describe, expect, it } from 'vitest';
import { createPool } from '@pool/core';
import { ControlledFactory, flush, stateOf } from './support/pool-helpers.js';

describe('close on error', () => {
  it('a broken release destroys every idle resource, so the next acquire gets a new one', async () => {
    const factory = new ControlledFactory();
    const pool = createPool(factory, { size: 3, closeOnError: true });
    const [a, b] = [await pool.acquire(), await pool.acquire()];
    await pool.release(b);
    a.broken = true;
    await pool.release(a);
    expect(factory.alive()).toEqual([]);
    const next = await pool.acquire();
    expect([a, b]).not.toContain(next);
    expect(pool.stats()).toMatchObject({ created: 3, destroyed: 2 });
  });

  it('a create in flight when a broken resource comes back is destroyed on arrival and its waiter served anew', async () => {
    const factory = new ControlledFactory();
    const pool = createPool(factory, { size: 2, closeOnError: true, acquireTimeoutMs: Infinity });
    const broken = await pool.acquire();
    const gate = factory.holdNextCreate();
    const waiting = pool.acquire();
    await flush();
    broken.broken = true;
    await pool.release(broken);
    gate.resolve();
    const served = await waiting;
    const stale = factory.created[1];
    expect(stale?.alive).toBe(false);
    expect(served).not.toBe(stale);
    expect(served.alive).toBe(true);
    expect(pool.stats()).toMatchObject({ inUse: 1, idle: 0, created: 3, destroyed: 2 });
  });

  // Regression (issue 9, found by the model test, seed -65092457): a broken release retired the generation while an
  // admitted fail-fast caller's create ran; its resource came back stale and was destroyed, and the slot it freed went
  // to a later caller of a higher priority who could wait, so the fail-fast caller failed with POOL_EXHAUSTED.
  it('an admitted fail-fast caller whose create returns a retired resource gets a new create, not POOL_EXHAUSTED', async () => {
    const factory = new ControlledFactory();
    const gate = factory.holdNextCreate();
    const pool = createPool(factory, { size: 2, priorityRange: 2, closeOnError: true });
    const failFast = pool.acquire({ priority: 1 });
    const broken = await pool.acquire();
    broken.broken = true;
    await pool.release(broken);
    const other = await pool.acquire();
    const waiting = pool.acquire({ timeoutMs: Infinity, priority: 0 });
    await flush();
    gate.resolve();
    const served = await failFast;
    expect(served.alive).toBe(true);
    expect(await stateOf(waiting), 'the caller who can wait still waits').toBe('pending');
    await pool.release(other);
    expect(await waiting).toBe(other);
    expect(pool.stats()).toMatchObject({ inUse: 2, waiting: 0, created: 4, destroyed: 2 });
    await pool.close({ timeoutMs: 0 });
  });

  it('closeOnError can be turned on at runtime', async () => {
    const factory = new ControlledFactory();
    const pool = createPool(factory, { size: 2 });
    const [a, b] = [await pool.acquire(), await pool.acquire()];
    await pool.release(b);
    pool.closeOnError = true;
    expect(pool.closeOnError).toBe(true);
    a.broken = true;
    await pool.release(a);
    expect(b.alive).toBe(false);
    expect(pool.stats()).toMatchObject({ idle: 0, destroyed: 2 });
  });

  it('closeOnError turned off at runtime keeps the idle resources on a broken release', async () => {
    const factory = new ControlledFactory();
    const pool = createPool(factory, { size: 2, closeOnError: true });
    const [a, b] = [await pool.acquire(), await pool.acquire()];
    await pool.release(b);
    pool.closeOnError = false;
    a.broken = true;
    await pool.release(a);
    expect(b.alive).toBe(true);
    expect(pool.stats()).toMatchObject({ idle: 1, destroyed: 1 });
  });

  it('setting closeOnError to a non-boolean throws INVALID_OPTION', () => {
    const pool = createPool(new ControlledFactory(), { size: 2 });
    expect(() => {
      pool.closeOnError = 'yes' as unknown as boolean;
    }).toThrow(expect.objectContaining({ code: 'INVALID_OPTION' }));
    expect(pool.closeOnError).toBe(false);
  });
});
