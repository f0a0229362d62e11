import { describe, expect, it } from 'vitest';
import { createPool } from '@pool/core';
import { ControlledFactory, deferred, flush, rejectionOf, stateOf, ValidatingFactory, withinLimit, type TestResource } from './support/pool-helpers.js';

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

  // Regression: pyredis' size setter raced acquire; creates in flight must not overshoot a shrink with idle resources.
  // Regression (issue 9, case 10): the shrink also cancelled the creates of callers already admitted.
  it("a shrink while callers' creates are in flight serves each caller and destroys the surplus as it comes back", async () => {
    const factory = new ControlledFactory();
    const gates = [factory.holdNextCreate(), factory.holdNextCreate(), factory.holdNextCreate()];
    const pool = createPool(factory, { size: 3, acquireTimeoutMs: Infinity });
    const acquires = [pool.acquire(), pool.acquire(), pool.acquire()];
    await flush();
    expect(pool.stats()).toMatchObject({ creating: 3 });
    await pool.resize(1);
    expect(factory.signals.filter((signal) => signal.aborted)).toHaveLength(0);
    for (const gate of gates) {
      gate.resolve();
      await flush();
      expect(withinLimit(pool.stats())).toBe(true);
    }
    const [first, second, third] = (await Promise.all(acquires)) as [TestResource, TestResource, TestResource];
    expect(pool.stats()).toMatchObject({ inUse: 3, idle: 0, creating: 0, created: 3, destroyed: 0 });
    await pool.release(first);
    await pool.release(second);
    expect(pool.stats()).toMatchObject({ inUse: 1, idle: 0, destroyed: 2 });
    await pool.release(third);
    expect(pool.stats()).toMatchObject({ inUse: 0, idle: 1, destroyed: 2 });
    expect(factory.alive()).toEqual([third]);
  });

  it('the size setter shrinks like resize, also while creates are in flight', async () => {
    const factory = new ControlledFactory();
    const gates = [factory.holdNextCreate(), factory.holdNextCreate()];
    const pool = createPool(factory, { size: 2, acquireTimeoutMs: Infinity });
    const acquires = [pool.acquire(), pool.acquire()];
    await flush();
    pool.size = 1;
    expect(pool.size).toBe(1);
    for (const gate of gates) gate.resolve();
    await flush();
    expect(withinLimit(pool.stats())).toBe(true);
    const [first, second] = (await Promise.all(acquires)) as [TestResource, TestResource];
    await pool.release(first);
    expect(first.alive).toBe(false);
    const next = pool.acquire({ timeoutMs: Infinity });
    await pool.release(second);
    expect(await next).toBe(second);
  });

  // Regression (issue 9, case 10): resize(2) rejected one of three admitted fail-fast acquires with POOL_EXHAUSTED.
  it('a shrink never fails a fail-fast acquire whose create already started', async () => {
    const factory = new ControlledFactory();
    const gates = [factory.holdNextCreate(), factory.holdNextCreate(), factory.holdNextCreate()];
    const pool = createPool(factory, { size: 3 });
    const acquires = [pool.acquire(), pool.acquire(), pool.acquire()];
    await pool.resize(2);
    for (const gate of gates) gate.resolve();
    const resources = await Promise.all(acquires);
    expect(resources).toHaveLength(3);
    expect(pool.stats()).toMatchObject({ inUse: 3, creating: 0, created: 3 });
    await pool.release(resources[0] as TestResource);
    expect(pool.stats()).toMatchObject({ inUse: 2, idle: 0, destroyed: 1 });
    await expect(pool.acquire()).rejects.toMatchObject({ code: 'POOL_EXHAUSTED' });
  });

  // Regression (issue 9, case 10, found by the model test with seed -395322429): the caller was served an idle
  // resource whose validation answered after a shrink had left no room; the resource failed, and the caller, admitted
  // with a resource in hand, was rejected with POOL_EXHAUSTED.
  it('a shrink never fails a fail-fast acquire whose idle resource then fails validation', async () => {
    const factory = new ValidatingFactory();
    const pool = createPool(factory, { size: 1 });
    const first = await pool.acquire();
    await pool.release(first);
    const verdict = deferred<boolean>();
    factory.validation = () => verdict.promise;
    await pool.resize(3);
    const acquires = [pool.acquire(), pool.acquire(), pool.acquire()];
    await flush();
    await pool.resize(2);
    verdict.resolve(false);
    const resources = await Promise.all(acquires);
    expect(resources).toHaveLength(3);
    expect(resources).not.toContain(first);
    expect(first.alive).toBe(false);
    expect(pool.stats()).toMatchObject({ inUse: 3, idle: 0, creating: 0 });
    for (const resource of resources) await pool.release(resource);
    expect(pool.stats()).toMatchObject({ inUse: 0, idle: 2, destroyed: 2 });
    expect(withinLimit(pool.stats())).toBe(true);
  });

  it('a shrink cancels background creates (minIdle) beyond the new size', async () => {
    const factory = new ControlledFactory();
    const gates = [factory.holdNextCreate(), factory.holdNextCreate(), factory.holdNextCreate()];
    const pool = createPool(factory, { size: 3, minIdle: 3 });
    await flush();
    expect(pool.stats()).toMatchObject({ creating: 3 });
    await pool.resize(1);
    expect(pool.stats()).toMatchObject({ creating: 1 });
    expect(factory.signals.filter((signal) => signal.aborted)).toHaveLength(2);
    for (const gate of gates) gate.resolve();
    await flush();
    expect(pool.stats()).toMatchObject({ idle: 1, creating: 0, created: 3, destroyed: 2 });
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
