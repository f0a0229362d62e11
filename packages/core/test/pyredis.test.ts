import { describe, expect, it } from 'vitest';
import { DEFAULTS, PoolExhaustedError, createPool } from '@pool/core';
import { ControlledFactory, deferred, flush, rejectionOf, stateOf, withinLimit } from './support/pool-helpers.js';

// pyredis' AsyncBasePool behaviours, re-expressed on @pool/core.

describe('pyredis AsyncBasePool: options', () => {
  it('defaults to size 16, fail-fast acquires and closeOnError off', async () => {
    expect(DEFAULTS).toMatchObject({ size: 16, acquireTimeoutMs: 0, closeOnError: false });
    const factory = new ControlledFactory();
    const pool = createPool(factory);
    expect(pool.size).toBe(16);
    expect(pool.closeOnError).toBe(false);
    const held = await Promise.all(Array.from({ length: 16 }, () => pool.acquire()));
    await expect(pool.acquire()).rejects.toMatchObject({ code: 'POOL_EXHAUSTED', message: 'Max resources 16 exhausted' });
    for (const resource of held) await pool.release(resource);
    await pool.close();
  });

  it('takes a custom size and closeOnError', () => {
    const pool = createPool(new ControlledFactory(), { size: 3, closeOnError: true });
    expect(pool.size).toBe(3);
    expect(pool.closeOnError).toBe(true);
    expect(pool.stats()).toMatchObject({ size: 3, idle: 0, inUse: 0, creating: 0, waiting: 0 });
  });
});

describe('pyredis AsyncBasePool: acquire', () => {
  it('acquire from idle hands out the most recently released resource first', async () => {
    const factory = new ControlledFactory();
    const pool = createPool(factory, { size: 3 });
    const [a, b, c] = [await pool.acquire(), await pool.acquire(), await pool.acquire()];
    await pool.release(a);
    await pool.release(c);
    await pool.release(b);
    expect(await pool.acquire()).toBe(b);
    expect(await pool.acquire()).toBe(c);
    expect(await pool.acquire()).toBe(a);
    expect(factory.created).toHaveLength(3);
  });

  it('acquire with no idle resource and room creates one', async () => {
    const factory = new ControlledFactory();
    const pool = createPool(factory, { size: 2 });
    const resource = await pool.acquire();
    expect(factory.created).toEqual([resource]);
    expect(pool.stats()).toMatchObject({ idle: 0, inUse: 1, creating: 0, created: 1, acquired: 1 });
  });

  it('acquire at the limit fails fast with PoolExhaustedError and holds nothing afterwards', async () => {
    const factory = new ControlledFactory();
    const pool = createPool(factory, { size: 2 });
    await pool.acquire();
    await pool.acquire();
    const error = await rejectionOf(pool.acquire());
    expect(error).toBeInstanceOf(PoolExhaustedError);
    expect(error).toMatchObject({
      code: 'POOL_EXHAUSTED',
      message: 'Max resources 2 exhausted',
      snapshot: { size: 2, idle: 0, inUse: 2, creating: 0, waiting: 0 },
    });
    expect(pool.stats()).toMatchObject({ idle: 0, inUse: 2, creating: 0, waiting: 0, created: 2, acquired: 2 });
    expect(factory.createCalls).toBe(2);
  });
});

describe('pyredis AsyncBasePool: release', () => {
  it('release puts a healthy resource back to idle without destroying it', async () => {
    const factory = new ControlledFactory();
    const pool = createPool(factory, { size: 2 });
    const resource = await pool.acquire();
    await pool.release(resource);
    expect(pool.stats()).toMatchObject({ idle: 1, inUse: 0, released: 1, destroyed: 0 });
    expect(resource.alive).toBe(true);
  });

  it('release while shrinking destroys the in-use surplus', async () => {
    const factory = new ControlledFactory();
    const pool = createPool(factory, { size: 2 });
    const a = await pool.acquire();
    const b = await pool.acquire();
    await pool.resize(1);
    await pool.release(a);
    expect(a.alive).toBe(false);
    expect(pool.stats()).toMatchObject({ idle: 0, inUse: 1, destroyed: 1 });
    await pool.release(b);
    expect(b.alive).toBe(true);
    expect(pool.stats()).toMatchObject({ idle: 1, inUse: 0, destroyed: 1 });
  });

  it('release of a broken resource without closeOnError destroys only that resource', async () => {
    const factory = new ControlledFactory();
    const pool = createPool(factory, { size: 3 });
    const [a, b, c] = [await pool.acquire(), await pool.acquire(), await pool.acquire()];
    await pool.release(c);
    a.broken = true;
    await pool.release(a);
    expect(factory.destroyed).toEqual([a]);
    expect(pool.stats()).toMatchObject({ idle: 1, inUse: 1 });
    await pool.release(b);
    expect(b.alive).toBe(true);
    expect(pool.stats()).toMatchObject({ idle: 2, inUse: 0, destroyed: 1 });
  });

  it('release of a broken resource with closeOnError destroys it and every idle one, and retires the in-use ones', async () => {
    const factory = new ControlledFactory();
    const pool = createPool(factory, { size: 4, closeOnError: true });
    const [a, b, c, d] = [await pool.acquire(), await pool.acquire(), await pool.acquire(), await pool.acquire()];
    await pool.release(c);
    await pool.release(d);
    a.broken = true;
    await pool.release(a);
    expect(new Set(factory.destroyed)).toEqual(new Set([a, c, d]));
    expect(b.alive).toBe(true);
    expect(pool.stats()).toMatchObject({ idle: 0, inUse: 1 });
    await pool.release(b);
    expect(b.alive).toBe(false);
    expect(pool.stats()).toMatchObject({ idle: 0, inUse: 0, destroyed: 4 });
  });

  it('release of a resource retired by close-on-error destroys it and touches nothing else', async () => {
    const factory = new ControlledFactory();
    const pool = createPool(factory, { size: 3, closeOnError: true });
    const [a, b] = [await pool.acquire(), await pool.acquire()];
    a.broken = true;
    await pool.release(a);
    const fresh = await pool.acquire();
    await pool.release(fresh);
    await pool.release(b);
    expect(b.alive).toBe(false);
    expect(fresh.alive).toBe(true);
    expect(factory.destroyed).toEqual([a, b]);
    expect(pool.stats()).toMatchObject({ idle: 1, inUse: 0 });
    expect(await pool.acquire()).toBe(fresh);
  });
});

describe('pyredis AsyncBasePool: resize', () => {
  it('a shrink that can free all surplus idle resources destroys them before resize resolves', async () => {
    const factory = new ControlledFactory();
    const pool = createPool(factory, { size: 4 });
    const held = [await pool.acquire(), await pool.acquire(), await pool.acquire(), await pool.acquire()];
    for (const resource of held) await pool.release(resource);
    const gates = [deferred<void>(), deferred<void>(), deferred<void>()];
    factory.destroyGates.push(...gates);
    const resizing = pool.resize(1);
    expect(pool.stats()).toMatchObject({ size: 1, idle: 1 });
    expect(await stateOf(resizing)).toBe('pending');
    for (const gate of gates) gate.resolve();
    await resizing;
    expect(factory.destroyed).toHaveLength(3);
    expect(pool.stats()).toMatchObject({ idle: 1, inUse: 0, destroyed: 3 });
    expect(withinLimit(pool.stats())).toBe(true);
  });

  it('a shrink that cannot free the surplus now destroys the in-use surplus on release', async () => {
    const factory = new ControlledFactory();
    const pool = createPool(factory, { size: 3 });
    const [a, b, c] = [await pool.acquire(), await pool.acquire(), await pool.acquire()];
    await pool.resize(1);
    expect(factory.destroyed).toEqual([]);
    expect(pool.stats()).toMatchObject({ size: 1, inUse: 3 });
    expect(withinLimit(pool.stats())).toBe(true);
    await pool.release(a);
    await pool.release(b);
    expect(factory.destroyed).toEqual([a, b]);
    await pool.release(c);
    await flush();
    expect(c.alive).toBe(true);
    expect(pool.stats()).toMatchObject({ idle: 1, inUse: 0, destroyed: 2 });
  });
});
