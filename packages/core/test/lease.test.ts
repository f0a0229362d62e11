import { describe, expect, it } from 'vitest';
import { Lease, createPool } from '@pool/core';
import { ControlledFactory } from './support/pool-helpers.js';

describe('use and lease', () => {
  it('use() returns what fn returns and releases the resource', async () => {
    const factory = new ControlledFactory();
    const pool = createPool(factory, { size: 1 });
    const seen = await pool.use((resource) => resource.id);
    expect(seen).toBe(1);
    expect(pool.stats()).toMatchObject({ idle: 1, inUse: 0, acquired: 1, released: 1 });
  });

  it('use() releases the resource when fn throws, and rethrows the same error', async () => {
    const factory = new ControlledFactory();
    const pool = createPool(factory, { size: 1 });
    const failure = new Error('query failed');
    await expect(
      pool.use(async () => {
        throw failure;
      }),
    ).rejects.toBe(failure);
    expect(pool.stats()).toMatchObject({ idle: 1, inUse: 0, released: 1 });
  });

  it('use() with something that is not a function rejects with INVALID_OPTION and acquires nothing', async () => {
    const pool = createPool(new ControlledFactory(), { size: 1 });
    const notAFunction = 42 as unknown as () => void;
    await expect(pool.use(notAFunction)).rejects.toMatchObject({ code: 'INVALID_OPTION' });
    expect(pool.stats()).toMatchObject({ acquired: 0 });
  });

  it('lease() hands out a Lease whose release gives the resource back once', async () => {
    const factory = new ControlledFactory();
    const pool = createPool(factory, { size: 1 });
    const lease = await pool.lease();
    expect(lease).toBeInstanceOf(Lease);
    expect(lease.resource).toBe(factory.created[0]);
    expect(lease.isReleased).toBe(false);
    await lease.release();
    await lease.release();
    expect(lease.isReleased).toBe(true);
    expect(pool.stats()).toMatchObject({ idle: 1, inUse: 0, released: 1 });
  });

  it('await using releases the lease at the end of the block', async () => {
    const factory = new ControlledFactory();
    const pool = createPool(factory, { size: 1 });
    {
      await using lease = await pool.lease();
      expect(lease.resource.alive).toBe(true);
      expect(pool.stats()).toMatchObject({ inUse: 1 });
    }
    expect(pool.stats()).toMatchObject({ idle: 1, inUse: 0, released: 1 });
  });

  it('await using releases the lease when the block throws', async () => {
    const factory = new ControlledFactory();
    const pool = createPool(factory, { size: 1 });
    const failure = new Error('inside the block');
    const run = async (): Promise<void> => {
      await using lease = await pool.lease();
      expect(lease.resource.alive).toBe(true);
      throw failure;
    };
    await expect(run()).rejects.toBe(failure);
    expect(pool.stats()).toMatchObject({ idle: 1, inUse: 0, released: 1 });
  });

  it('a lease released by hand is not released again by await using', async () => {
    const factory = new ControlledFactory();
    const pool = createPool(factory, { size: 1 });
    {
      await using lease = await pool.lease();
      await lease.release();
    }
    expect(pool.stats()).toMatchObject({ idle: 1, released: 1 });
  });

  it('lease() passes its options to acquire', async () => {
    const pool = createPool(new ControlledFactory(), { size: 1 });
    await expect(pool.lease({ signal: AbortSignal.abort() })).rejects.toMatchObject({ code: 'ACQUIRE_ABORTED' });
  });
});
