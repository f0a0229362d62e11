import { describe, expect, it } from 'vitest';
import { InvalidOptionError, createPool } from '@pool/core';
import { ControlledFactory } from './support/pool-helpers.js';

async function releaseOrderThenTake(idleOrder: 'lifo' | 'fifo' | undefined): Promise<number[]> {
  const pool = createPool(new ControlledFactory(), { size: 3, ...(idleOrder === undefined ? {} : { idleOrder }) });
  const [a, b, c] = await Promise.all([pool.acquire(), pool.acquire(), pool.acquire()]);
  for (const resource of [a, b, c]) if (resource !== undefined) await pool.release(resource);
  const taken = [await pool.acquire(), await pool.acquire(), await pool.acquire()];
  await Promise.all(taken.map((resource) => pool.release(resource)));
  await pool.close();
  return taken.map((resource) => resource.id);
}

describe('idleOrder', () => {
  it("'lifo' (the default) hands out the most recently released idle resource first", async () => {
    expect(await releaseOrderThenTake(undefined)).toEqual([3, 2, 1]);
    expect(await releaseOrderThenTake('lifo')).toEqual([3, 2, 1]);
  });

  it("'fifo' hands out the idle resource released longest ago first", async () => {
    expect(await releaseOrderThenTake('fifo')).toEqual([1, 2, 3]);
  });

  it('rejects any other value with INVALID_OPTION', () => {
    expect(() => createPool(new ControlledFactory(), { idleOrder: 'random' as 'fifo' })).toThrow(InvalidOptionError);
  });
});
