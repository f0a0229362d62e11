import { afterEach, describe, expect, it, vi } from 'vitest';
import { createPool } from '@pool/core';
import { ValidatingFactory, flush, stateOf, useFakeClock, type TestResource } from './support/pool-helpers.js';

afterEach(() => {
  vi.useRealTimers();
});

/** A pool with two idle resources, `older` released before `newer`. */
async function poolWithTwoIdle(factory: ValidatingFactory, options: { validateTimeoutMs?: number } = {}) {
  const pool = createPool(factory, { size: 3, ...options });
  const older = await pool.acquire();
  const newer = await pool.acquire();
  await pool.release(older);
  await pool.release(newer);
  return { pool, older, newer };
}

describe('validate', () => {
  // Regression: pyredis handed out an idle connection that had died while idle.
  it('an idle resource that fails validation is destroyed and the next idle one is handed out', async () => {
    const factory = new ValidatingFactory();
    const { pool, older, newer } = await poolWithTwoIdle(factory);
    newer.broken = true; // died while idle
    factory.validation = (resource) => !resource.broken;
    expect(await pool.acquire()).toBe(older);
    expect(newer.alive).toBe(false);
    expect(factory.validated).toEqual([newer, older]);
    expect(pool.stats()).toMatchObject({ idle: 0, inUse: 1, validationFailures: 1, destroyed: 1 });
  });

  it('when every idle resource fails validation, a new one is created', async () => {
    const factory = new ValidatingFactory();
    const { pool, older, newer } = await poolWithTwoIdle(factory);
    factory.validation = () => false;
    const resource = await pool.acquire();
    expect([older, newer]).not.toContain(resource);
    expect(factory.destroyed).toEqual([newer, older]);
    expect(pool.stats()).toMatchObject({ inUse: 1, created: 3, destroyed: 2, validationFailures: 2 });
  });

  it('a newly created resource is handed out without validation', async () => {
    const factory = new ValidatingFactory();
    const pool = createPool(factory, { size: 2 });
    await pool.acquire();
    expect(factory.validated).toEqual([]);
  });

  it('a validate that throws counts as invalid', async () => {
    const factory = new ValidatingFactory();
    const { pool, older, newer } = await poolWithTwoIdle(factory);
    factory.validation = (resource: TestResource) => {
      if (resource === newer) throw new Error('validate blew up');
      return true;
    };
    expect(await pool.acquire()).toBe(older);
    expect(newer.alive).toBe(false);
  });

  it('a validate that rejects counts as invalid', async () => {
    const factory = new ValidatingFactory();
    const { pool, older, newer } = await poolWithTwoIdle(factory);
    factory.validation = (resource: TestResource) =>
      resource === newer ? Promise.reject(new Error('validate rejected')) : Promise.resolve(true);
    expect(await pool.acquire()).toBe(older);
    expect(newer.alive).toBe(false);
  });

  // Regression (issue 9, case 8): `validate: (c) => c.ping()` resolving 'PONG' destroyed the resource on every borrow.
  it.each([
    ['a string', 'PONG'],
    ['a number', 1],
    ['undefined', undefined],
    ['an object', {}],
  ])('a validate that resolves %s counts as valid (only false is invalid)', async (_kind, answer) => {
    const factory = new ValidatingFactory();
    const { pool, older, newer } = await poolWithTwoIdle(factory);
    factory.validation = () => Promise.resolve(answer as unknown as boolean);
    expect(await pool.acquire()).toBe(newer);
    expect(older.alive).toBe(true);
    expect(pool.stats()).toMatchObject({ validationFailures: 0, destroyed: 0 });
  });

  it('a validate that hangs past validateTimeoutMs counts as invalid', async () => {
    useFakeClock();
    const factory = new ValidatingFactory();
    const { pool, older, newer } = await poolWithTwoIdle(factory, { validateTimeoutMs: 500 });
    factory.validation = (resource: TestResource) => (resource === newer ? new Promise<boolean>(() => {}) : true);
    const acquiring = pool.acquire();
    await vi.advanceTimersByTimeAsync(499);
    expect(await stateOf(acquiring)).toBe('pending');
    await vi.advanceTimersByTimeAsync(1);
    expect(await acquiring).toBe(older);
    expect(newer.alive).toBe(false);
    expect(pool.stats()).toMatchObject({ validationFailures: 1 });
  });

  it('a resource being validated is counted in use, so the pool cannot overshoot its size', async () => {
    const factory = new ValidatingFactory();
    const pool = createPool(factory, { size: 1, acquireTimeoutMs: Infinity });
    await pool.release(await pool.acquire());
    let finishValidation: (valid: boolean) => void = () => {};
    factory.validation = () => new Promise<boolean>((resolve) => (finishValidation = resolve));
    const first = pool.acquire();
    const second = pool.acquire();
    await flush();
    expect(pool.stats()).toMatchObject({ idle: 0, inUse: 1, creating: 0, waiting: 1 });
    finishValidation(true);
    const resource = await first;
    expect(await stateOf(second)).toBe('pending');
    expect(factory.createCalls).toBe(1);
    await pool.release(resource);
    expect(await second).toBe(resource);
  });
});

describe('validate racing the caller', () => {
  it('close during a validation rejects the acquire with POOL_CLOSED and destroys the resource', async () => {
    const factory = new ValidatingFactory();
    const pool = createPool(factory, { size: 1 });
    const resource = await pool.acquire();
    await pool.release(resource);
    let finishValidation: (valid: boolean) => void = () => {};
    factory.validation = () => new Promise<boolean>((resolve) => (finishValidation = resolve));
    const acquiring = pool.acquire().catch((error: unknown) => error);
    await flush();
    const closing = pool.close();
    expect(await stateOf(closing)).toBe('pending');
    finishValidation(true);
    expect(await acquiring).toMatchObject({ code: 'POOL_CLOSED' });
    await closing;
    expect(resource.alive).toBe(false);
    expect(pool.stats()).toMatchObject({ created: 1, destroyed: 1 });
  });

  it('an acquire aborted during its validation does not lose the valid resource: it goes back idle', async () => {
    const factory = new ValidatingFactory();
    const pool = createPool(factory, { size: 1 });
    const resource = await pool.acquire();
    await pool.release(resource);
    let finishValidation: (valid: boolean) => void = () => {};
    factory.validation = () => new Promise<boolean>((resolve) => (finishValidation = resolve));
    const controller = new AbortController();
    const acquiring = pool.acquire({ signal: controller.signal }).catch((error: unknown) => error);
    await flush();
    controller.abort();
    expect(await acquiring).toMatchObject({ code: 'ACQUIRE_ABORTED' });
    finishValidation(true);
    await flush();
    expect(resource.alive).toBe(true);
    expect(pool.stats()).toMatchObject({ idle: 1, inUse: 0, acquired: 1 });
  });

  // Regression (issue 9, found by the model test, seed 1788433604): minIdle's refill waits while a caller cycles
  // through validations; when that caller aborted during its second validation, nothing refilled minIdle although
  // the pool had room.
  it('a caller who aborts while its resources fail validation lets the minIdle refill start', async () => {
    const factory = new ValidatingFactory();
    const pool = createPool(factory, { size: 2, minIdle: 2 });
    await pool.ready();
    const verdicts: Array<(valid: boolean) => void> = [];
    factory.validation = () => new Promise<boolean>((resolve) => verdicts.push(resolve));
    const controller = new AbortController();
    const acquiring = pool.acquire({ signal: controller.signal }).catch((error: unknown) => error);
    await flush();
    verdicts[0]?.(false);
    await flush();
    expect(verdicts).toHaveLength(2);
    controller.abort();
    expect(await acquiring).toMatchObject({ code: 'ACQUIRE_ABORTED' });
    await flush();
    expect(factory.createCalls).toBe(3);
    expect(pool.stats()).toMatchObject({ idle: 1, inUse: 1, destroyed: 1 });
    verdicts[1]?.(true);
    await flush();
    expect(pool.stats()).toMatchObject({ idle: 2, inUse: 0 });
    await pool.close();
  });

  it('an acquire aborted during its validation leaves the valid resource to the next waiter', async () => {
    const factory = new ValidatingFactory();
    const pool = createPool(factory, { size: 1, acquireTimeoutMs: Infinity });
    const resource = await pool.acquire();
    await pool.release(resource);
    let finishValidation: (valid: boolean) => void = () => {};
    factory.validation = () => new Promise<boolean>((resolve) => (finishValidation = resolve));
    const controller = new AbortController();
    const aborted = pool.acquire({ signal: controller.signal }).catch((error: unknown) => error);
    await flush();
    const next = pool.acquire();
    controller.abort();
    expect(await aborted).toMatchObject({ code: 'ACQUIRE_ABORTED' });
    finishValidation(true);
    expect(await next).toBe(resource);
  });
});
