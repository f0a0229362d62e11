import { describe, expect, it } from 'vitest';
import { createPool } from '@pool/core';
import { TestFactory } from './support/test-factory.js';

describe('smoke', () => {
  it('acquires, releases and closes', async () => {
    const factory = new TestFactory();
    const pool = createPool(factory, { size: 2 });
    const a = await pool.acquire();
    const b = await pool.acquire();
    await expect(pool.acquire()).rejects.toMatchObject({ code: 'POOL_EXHAUSTED', message: 'Max resources 2 exhausted' });
    await pool.release(a);
    expect(await pool.acquire()).toBe(a);
    await pool.release(a);
    await pool.release(b);
    expect(pool.stats()).toMatchObject({ idle: 2, inUse: 0 });
    await pool.close();
    expect(pool.stats()).toMatchObject({ created: 2, destroyed: 2 });
  });
});
