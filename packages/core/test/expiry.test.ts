import { afterEach, describe, expect, it, vi } from 'vitest';
import { createPool } from '@pool/core';
import { ControlledFactory, flush, useFakeClock } from './support/pool-helpers.js';

afterEach(() => {
  vi.useRealTimers();
});

describe('idle timeout and max lifetime', () => {
  it('idleTimeoutMs destroys idle resources on its own, with no other option or call needed', async () => {
    useFakeClock();
    const factory = new ControlledFactory();
    const pool = createPool(factory, { size: 3, idleTimeoutMs: 1_000 });
    const held = [await pool.acquire(), await pool.acquire(), await pool.acquire()];
    for (const resource of held) await pool.release(resource);
    await vi.advanceTimersByTimeAsync(999);
    expect(pool.stats()).toMatchObject({ idle: 3, destroyed: 0 });
    // The reaper runs at most every second, so the resources go within one more second.
    await vi.advanceTimersByTimeAsync(1_001);
    await flush();
    expect(pool.stats()).toMatchObject({ idle: 0, destroyed: 3 });
    expect(factory.alive()).toEqual([]);
  });

  it('idleTimeoutMs keeps a resource that was used again before it expired', async () => {
    useFakeClock();
    const factory = new ControlledFactory();
    const pool = createPool(factory, { size: 1, idleTimeoutMs: 1_000 });
    const resource = await pool.acquire();
    await pool.release(resource);
    await vi.advanceTimersByTimeAsync(800);
    expect(await pool.acquire()).toBe(resource);
    await pool.release(resource);
    await vi.advanceTimersByTimeAsync(800);
    expect(pool.stats()).toMatchObject({ idle: 1, destroyed: 0 });
  });

  it('idleTimeoutMs destroys idle resources only down to minIdle', async () => {
    useFakeClock();
    const factory = new ControlledFactory();
    const pool = createPool(factory, { size: 4, minIdle: 1, idleTimeoutMs: 1_000 });
    await flush();
    const held = [await pool.acquire(), await pool.acquire(), await pool.acquire()];
    for (const resource of held) await pool.release(resource);
    await flush();
    expect(pool.stats().idle).toBeGreaterThan(1);
    await vi.advanceTimersByTimeAsync(5_000);
    await flush();
    expect(pool.stats()).toMatchObject({ idle: 1, inUse: 0 });
    expect(factory.alive()).toHaveLength(1);
  });

  it('maxLifetimeMs destroys a resource released after its lifetime instead of keeping it idle', async () => {
    useFakeClock();
    const factory = new ControlledFactory();
    const pool = createPool(factory, { size: 1, maxLifetimeMs: 1_000 });
    const resource = await pool.acquire();
    await vi.advanceTimersByTimeAsync(1_500);
    await pool.release(resource);
    expect(resource.alive).toBe(false);
    expect(pool.stats()).toMatchObject({ idle: 0, destroyed: 1 });
    expect(await pool.acquire()).not.toBe(resource);
  });

  it('maxLifetimeMs destroys an idle resource past its lifetime, so it is never handed out', async () => {
    useFakeClock();
    const factory = new ControlledFactory();
    const pool = createPool(factory, { size: 1, maxLifetimeMs: 1_000 });
    const resource = await pool.acquire();
    await vi.advanceTimersByTimeAsync(900);
    await pool.release(resource);
    await vi.advanceTimersByTimeAsync(100);
    const next = await pool.acquire();
    expect(next).not.toBe(resource);
    await flush();
    expect(resource.alive).toBe(false);
    expect(pool.stats()).toMatchObject({ created: 2, destroyed: 1 });
  });

  it('maxLifetimeMs: a resource released past its lifetime frees its slot for a waiter, who gets a new one', async () => {
    useFakeClock();
    const factory = new ControlledFactory();
    const pool = createPool(factory, { size: 1, maxLifetimeMs: 1_000, acquireTimeoutMs: Infinity });
    const old = await pool.acquire();
    const waiting = pool.acquire();
    await vi.advanceTimersByTimeAsync(1_500);
    await pool.release(old);
    const fresh = await waiting;
    expect(fresh).not.toBe(old);
    expect(old.alive).toBe(false);
    expect(pool.stats()).toMatchObject({ inUse: 1, created: 2, destroyed: 1 });
  });
});

describe('minIdle', () => {
  it('fills the pool with minIdle idle resources in the background, before any acquire', async () => {
    const factory = new ControlledFactory();
    const pool = createPool(factory, { size: 4, minIdle: 2 });
    await flush();
    expect(pool.stats()).toMatchObject({ idle: 2, inUse: 0, created: 2, acquired: 0 });
  });

  it('refills to minIdle after an acquire takes an idle resource', async () => {
    const factory = new ControlledFactory();
    const pool = createPool(factory, { size: 4, minIdle: 2 });
    await flush();
    await pool.acquire();
    await flush();
    expect(pool.stats()).toMatchObject({ idle: 2, inUse: 1, created: 3 });
  });

  it('never creates past size to keep minIdle', async () => {
    const factory = new ControlledFactory();
    const pool = createPool(factory, { size: 2, minIdle: 2 });
    await flush();
    await pool.acquire();
    await pool.acquire();
    await flush();
    expect(pool.stats()).toMatchObject({ idle: 0, inUse: 2, creating: 0, created: 2 });
  });

  it('refills to minIdle after close-on-error destroyed the idle resources', async () => {
    const factory = new ControlledFactory();
    const pool = createPool(factory, { size: 4, minIdle: 2, closeOnError: true });
    await flush();
    const broken = await pool.acquire();
    await flush();
    expect(pool.stats()).toMatchObject({ idle: 2 });
    broken.broken = true;
    await pool.release(broken);
    await flush();
    expect(pool.stats()).toMatchObject({ idle: 2, inUse: 0 });
    expect(factory.alive()).toHaveLength(2);
  });

  it('refills to minIdle once broken releases free the slots', async () => {
    const factory = new ControlledFactory();
    const pool = createPool(factory, { size: 2, minIdle: 2 });
    await flush();
    const held = [await pool.acquire(), await pool.acquire()];
    for (const resource of held) {
      resource.broken = true;
      await pool.release(resource);
    }
    await flush();
    expect(pool.stats()).toMatchObject({ idle: 2, inUse: 0, created: 4, destroyed: 2 });
  });
});
