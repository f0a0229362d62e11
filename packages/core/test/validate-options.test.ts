import { describe, expect, it } from 'vitest';
import { createPool } from '@pool/core';
import { ValidatingFactory, deferred, stateOf } from './support/pool-helpers.js';

describe('validateOnAcquire', () => {
  it('true (the default): an idle resource is validated before it is handed out', async () => {
    const factory = new ValidatingFactory();
    const pool = createPool(factory, { size: 1 });
    const resource = await pool.acquire();
    await pool.release(resource);
    await pool.release(await pool.acquire());
    expect(factory.validated).toEqual([resource]);
    await pool.close();
  });

  it('false: validate is never called on acquire', async () => {
    const factory = new ValidatingFactory();
    factory.validation = () => false;
    const pool = createPool(factory, { size: 1, validateOnAcquire: false });
    const resource = await pool.acquire();
    await pool.release(resource);
    expect(await pool.acquire()).toBe(resource);
    expect(factory.validated).toEqual([]);
    await pool.close({ timeoutMs: 0 });
  });
});

describe('validateOnRelease', () => {
  it('a released resource found invalid is destroyed, not reused', async () => {
    const factory = new ValidatingFactory();
    factory.validation = () => false;
    const pool = createPool(factory, { size: 1, validateOnAcquire: false, validateOnRelease: true });
    const resource = await pool.acquire();
    await pool.release(resource);
    expect(factory.validated).toEqual([resource]);
    expect(factory.destroyed).toEqual([resource]);
    expect(pool.stats()).toMatchObject({ idle: 0, inUse: 0, validationFailures: 1, destroyed: 1 });
    await pool.close();
  });

  it('a released resource found valid is parked, and release resolves after the verdict', async () => {
    const factory = new ValidatingFactory();
    const verdict = deferred<boolean>();
    factory.validation = () => verdict.promise;
    const pool = createPool(factory, { size: 1, validateOnAcquire: false, validateOnRelease: true });
    const resource = await pool.acquire();
    const released = pool.release(resource);
    expect(await stateOf(released)).toBe('pending');
    // While the verdict is out the resource still counts as in use, so the size holds.
    expect(pool.stats()).toMatchObject({ idle: 0, inUse: 1 });
    await expect(pool.release(resource)).rejects.toMatchObject({ code: 'RELEASE_INVALID' });
    verdict.resolve(true);
    await released;
    expect(pool.stats()).toMatchObject({ idle: 1, inUse: 0, validationFailures: 0 });
    expect(await pool.acquire()).toBe(resource);
    await pool.close({ timeoutMs: 0 });
  });

  it('a released resource that passes goes to the waiting caller', async () => {
    const factory = new ValidatingFactory();
    const pool = createPool(factory, { size: 1, acquireTimeoutMs: Infinity, validateOnRelease: true, validateOnAcquire: false });
    const resource = await pool.acquire();
    const waiting = pool.acquire();
    await pool.release(resource);
    expect(await waiting).toBe(resource);
    expect(factory.validated).toEqual([resource]);
    await pool.close({ timeoutMs: 0 });
  });

  it('false (the default): release does not validate', async () => {
    const factory = new ValidatingFactory();
    const pool = createPool(factory, { size: 1, validateOnAcquire: false });
    await pool.release(await pool.acquire());
    expect(factory.validated).toEqual([]);
    await pool.close();
  });
});
