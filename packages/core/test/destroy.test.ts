import { describe, expect, it } from 'vitest';
import { ReleaseError, createPool } from '@pool/core';
import { ControlledFactory, deferred, rejectionOf } from './support/pool-helpers.js';

describe('pool.destroy(resource)', () => {
  it('destroys a held resource instead of parking it, counted as released', async () => {
    const factory = new ControlledFactory();
    const pool = createPool(factory, { size: 2 });
    const resource = await pool.acquire();
    await pool.destroy(resource);
    expect(factory.destroyed).toEqual([resource]);
    expect(pool.stats()).toMatchObject({ idle: 0, inUse: 0, released: 1, destroyed: 1 });
    expect(pool.isInUse(resource)).toBe(false);
    const next = await pool.acquire();
    expect(next).not.toBe(resource);
    await pool.release(next);
    await pool.close();
  });

  it('the freed slot serves a waiter with a new resource', async () => {
    const factory = new ControlledFactory();
    const pool = createPool(factory, { size: 1, acquireTimeoutMs: Infinity });
    const resource = await pool.acquire();
    const waiting = pool.acquire();
    await pool.destroy(resource);
    const served = await waiting;
    expect(served).not.toBe(resource);
    expect(served.alive).toBe(true);
    expect(pool.stats()).toMatchObject({ inUse: 1, waiting: 0, created: 2, destroyed: 1 });
    await pool.release(served);
    await pool.close();
  });

  it('rejects RELEASE_INVALID for a resource not handed out, and for a second call, changing nothing', async () => {
    const factory = new ControlledFactory();
    const pool = createPool(factory, { size: 2 });
    const resource = await pool.acquire();
    const foreign = { id: 99, broken: false, alive: true };
    expect(await rejectionOf(pool.destroy(foreign))).toBeInstanceOf(ReleaseError);
    await pool.destroy(resource);
    await expect(pool.destroy(resource)).rejects.toMatchObject({ code: 'RELEASE_INVALID' });
    await expect(pool.release(resource)).rejects.toMatchObject({ code: 'RELEASE_INVALID' });
    expect(factory.destroyed).toEqual([resource]);
    expect(pool.stats()).toMatchObject({ inUse: 0, released: 1, destroyed: 1 });
    await pool.close();
  });

  it('an idle resource cannot be destroyed through it (it is not held)', async () => {
    const factory = new ControlledFactory();
    const pool = createPool(factory, { size: 2 });
    const resource = await pool.acquire();
    await pool.release(resource);
    await expect(pool.destroy(resource)).rejects.toMatchObject({ code: 'RELEASE_INVALID' });
    expect(pool.stats()).toMatchObject({ idle: 1, destroyed: 0 });
    await pool.close();
  });

  it('resolves once the factory destroy settled', async () => {
    const factory = new ControlledFactory();
    const gate = deferred<void>();
    factory.destroyGates.push(gate);
    const pool = createPool(factory, { size: 1 });
    const resource = await pool.acquire();
    let settled = false;
    const destroyed = pool.destroy(resource).then(() => {
      settled = true;
    });
    await new Promise((resolve) => setImmediate(resolve));
    expect(settled).toBe(false);
    gate.resolve();
    await destroyed;
    expect(factory.destroyed).toEqual([resource]);
    await pool.close();
  });
});

describe('pool.isInUse(resource)', () => {
  it('is true only while the resource is handed out', async () => {
    const pool = createPool(new ControlledFactory(), { size: 1 });
    const resource = await pool.acquire();
    expect(pool.isInUse(resource)).toBe(true);
    await pool.release(resource);
    expect(pool.isInUse(resource)).toBe(false);
    expect(pool.isInUse({ id: 1, broken: false, alive: true })).toBe(false);
    await pool.close();
  });
});
