import { describe, expect, it } from 'vitest';
import { InvalidOptionError, createPool } from '@pool/core';
import { ControlledFactory, ValidatingFactory, deferred, flush, rejectionOf, stateOf } from './support/pool-helpers.js';

describe('acquire({ priority }) with priorityRange', () => {
  it('serves waiters by priority level, 0 first, and in arrival order within a level', async () => {
    const pool = createPool(new ControlledFactory(), { size: 1, acquireTimeoutMs: Infinity, priorityRange: 3 });
    const held = await pool.acquire();
    const order: string[] = [];
    const callers = [
      ['low-1', 2],
      ['mid-1', 1],
      ['high-1', 0],
      ['low-2', 2],
      ['high-2', 0],
    ] as const;
    const served = callers.map(([name, priority]) =>
      pool.acquire({ priority }).then(async (resource) => {
        order.push(name);
        await pool.release(resource);
      }),
    );
    expect(pool.stats().waiting).toBe(5);
    await pool.release(held);
    await Promise.all(served);
    expect(order).toEqual(['high-1', 'high-2', 'mid-1', 'low-1', 'low-2']);
    await pool.close();
  });

  it('a waiter that times out leaves its level; the others are still served in order', async () => {
    const pool = createPool(new ControlledFactory(), { size: 1, acquireTimeoutMs: Infinity, priorityRange: 2 });
    const held = await pool.acquire();
    const controller = new AbortController();
    const aborted = pool.acquire({ priority: 0, signal: controller.signal });
    const low = pool.acquire({ priority: 1 });
    const high = pool.acquire({ priority: 0 });
    controller.abort();
    await expect(aborted).rejects.toMatchObject({ code: 'ACQUIRE_ABORTED' });
    expect(pool.stats().waiting).toBe(2);
    await pool.release(held);
    const first = await high;
    expect(pool.stats().waiting).toBe(1);
    await pool.release(first);
    await pool.release(await low);
    expect(pool.stats()).toMatchObject({ waiting: 0, inUse: 0 });
    await pool.close();
  });

  // Regression (issue 9, found by the model test, seed -1207876867): a fail-fast caller was served an idle resource
  // whose validation then failed; the slot it freed went to a later caller of a higher priority who could wait, so
  // the admitted fail-fast caller failed with POOL_EXHAUSTED.
  it('a fail-fast caller whose idle resource fails validation keeps its slot against a higher-priority waiter', async () => {
    const factory = new ValidatingFactory();
    const pool = createPool(factory, { size: 1, priorityRange: 3 });
    const first = await pool.acquire();
    await pool.release(first);
    const verdict = deferred<boolean>();
    factory.validation = () => verdict.promise;
    const failFast = pool.acquire({ priority: 2 });
    const waiting = pool.acquire({ timeoutMs: Infinity, priority: 0 });
    await flush();
    verdict.resolve(false);
    const served = await failFast;
    expect(served).not.toBe(first);
    expect(served.alive).toBe(true);
    expect(await stateOf(waiting), 'the caller who can wait still waits').toBe('pending');
    await pool.release(served);
    expect(await waiting).toBe(served);
    await pool.release(served);
    await pool.close();
    expect(factory.alive()).toEqual([]);
  });

  it('close rejects the waiters of every level', async () => {
    const pool = createPool(new ControlledFactory(), { size: 1, acquireTimeoutMs: Infinity, priorityRange: 2 });
    const held = await pool.acquire();
    const waiting = [pool.acquire({ priority: 1 }), pool.acquire({ priority: 0 })];
    const closed = pool.close();
    for (const waiter of waiting) await expect(waiter).rejects.toMatchObject({ code: 'POOL_CLOSED' });
    await pool.release(held);
    await closed;
  });

  it('rejects a priority outside 0 to priorityRange - 1 with INVALID_OPTION', async () => {
    const pool = createPool(new ControlledFactory(), { size: 1, priorityRange: 2 });
    for (const priority of [-1, 2, 0.5, Number.NaN]) {
      expect(await rejectionOf(pool.acquire({ priority }))).toBeInstanceOf(InvalidOptionError);
    }
    await expect(createPool(new ControlledFactory()).acquire({ priority: 1 })).rejects.toMatchObject({
      code: 'INVALID_OPTION',
    });
    expect(() => createPool(new ControlledFactory(), { priorityRange: 0 })).toThrow(InvalidOptionError);
    await pool.close();
  });
});
