import { describe, expect, it } from 'vitest';
import { ReleaseError, createPool } from '@pool/core';
import { ControlledFactory, rejectionOf } from './support/pool-helpers.js';

describe('release', () => {
  // Regression: pyredis closed the connection on a second release while it sat idle in the pool.
  it('a double release rejects with RELEASE_INVALID and leaves the idle resource intact', async () => {
    const factory = new ControlledFactory();
    const pool = createPool(factory, { size: 2 });
    const resource = await pool.acquire();
    await pool.release(resource);
    const error = await rejectionOf(pool.release(resource));
    expect(error).toBeInstanceOf(ReleaseError);
    expect(error).toMatchObject({ code: 'RELEASE_INVALID' });
    expect(resource.alive).toBe(true);
    expect(pool.stats()).toMatchObject({ idle: 1, inUse: 0, released: 1, destroyed: 0 });
    expect(await pool.acquire()).toBe(resource);
  });

  it('release of an object the pool never handed out rejects with RELEASE_INVALID and destroys nothing', async () => {
    const factory = new ControlledFactory();
    const pool = createPool(factory, { size: 2 });
    const held = await pool.acquire();
    const foreign = { id: 99, broken: false, alive: true };
    const error = await rejectionOf(pool.release(foreign));
    expect(error).toBeInstanceOf(ReleaseError);
    expect(error).toMatchObject({ code: 'RELEASE_INVALID' });
    expect(foreign.alive).toBe(true);
    expect(factory.destroyed).toEqual([]);
    expect(pool.stats()).toMatchObject({ idle: 0, inUse: 1, released: 0 });
    await pool.release(held);
  });

  it('release of a destroyed resource rejects with RELEASE_INVALID', async () => {
    const factory = new ControlledFactory();
    const pool = createPool(factory, { size: 2 });
    const resource = await pool.acquire();
    resource.broken = true;
    await pool.release(resource);
    await expect(pool.release(resource)).rejects.toMatchObject({ code: 'RELEASE_INVALID' });
    expect(factory.destroyed).toEqual([resource]);
    expect(pool.stats()).toMatchObject({ destroyed: 1, destroyErrors: 0 });
  });

  it('release hands the resource straight to the oldest waiter', async () => {
    const factory = new ControlledFactory();
    const pool = createPool(factory, { size: 1, acquireTimeoutMs: Infinity });
    const resource = await pool.acquire();
    const waiting = pool.acquire();
    await pool.release(resource);
    expect(await waiting).toBe(resource);
    expect(pool.stats()).toMatchObject({ idle: 0, inUse: 1, waiting: 0, acquired: 2, released: 1 });
  });

  it('an isBroken that throws counts as broken', async () => {
    const factory = new ControlledFactory();
    factory.isBroken = () => {
      throw new Error('cannot tell');
    };
    const pool = createPool(factory, { size: 2 });
    const resource = await pool.acquire();
    await pool.release(resource);
    expect(resource.alive).toBe(false);
    expect(pool.stats()).toMatchObject({ idle: 0, destroyed: 1 });
  });

  it('a broken release frees its slot for a waiter, which gets a new resource', async () => {
    const factory = new ControlledFactory();
    const pool = createPool(factory, { size: 1, acquireTimeoutMs: Infinity });
    const broken = await pool.acquire();
    const waiting = pool.acquire();
    broken.broken = true;
    await pool.release(broken);
    const fresh = await waiting;
    expect(fresh).not.toBe(broken);
    expect(fresh.alive).toBe(true);
    expect(pool.stats()).toMatchObject({ inUse: 1, created: 2, destroyed: 1 });
  });
});
