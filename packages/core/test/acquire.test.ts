import { describe, expect, it } from 'vitest';
import { createPool } from '@pool/core';
import { ControlledFactory, flush, stateOf, withinLimit } from './support/pool-helpers.js';

describe('acquire', () => {
  // Regression: pyredis connected while holding its lock, so one slow connect stalled every acquire.
  it('a create that never finishes does not delay an acquire served from idle', async () => {
    const factory = new ControlledFactory();
    factory.holdNextCreate().resolve();
    factory.holdNextCreate(); // never resolved
    const pool = createPool(factory, { size: 3, minIdle: 2 });
    await flush();
    expect(pool.stats()).toMatchObject({ idle: 1, creating: 1 });
    const resource = await pool.acquire();
    expect(resource).toBe(factory.created[0]);
    expect(pool.stats()).toMatchObject({ inUse: 1 });
  });

  it('a create that never finishes does not delay another acquire that creates its own resource', async () => {
    const factory = new ControlledFactory();
    factory.holdNextCreate(); // never resolved
    const pool = createPool(factory, { size: 3 });
    const stalled = pool.acquire();
    const second = await pool.acquire();
    expect(second).toBe(factory.created[0]);
    expect(await stateOf(stalled)).toBe('pending');
    expect(pool.stats()).toMatchObject({ inUse: 1, creating: 1 });
  });

  it('a waiter takes a release that comes before its create, and the create then goes idle', async () => {
    const factory = new ControlledFactory();
    const pool = createPool(factory, { size: 2, acquireTimeoutMs: Infinity });
    const held = await pool.acquire();
    const gate = factory.holdNextCreate();
    const waiting = pool.acquire();
    await flush();
    expect(pool.stats()).toMatchObject({ creating: 1, waiting: 1 });
    await pool.release(held);
    expect(await waiting).toBe(held);
    gate.resolve();
    await flush();
    expect(pool.stats()).toMatchObject({ idle: 1, inUse: 1, creating: 0, waiting: 0, destroyed: 0 });
  });

  it('a waiter takes a create that finishes before any release', async () => {
    const factory = new ControlledFactory();
    const pool = createPool(factory, { size: 2, acquireTimeoutMs: Infinity });
    const held = await pool.acquire();
    const gate = factory.holdNextCreate();
    const waiting = pool.acquire();
    gate.resolve();
    const fresh = await waiting;
    expect(fresh).not.toBe(held);
    expect(fresh).toBe(factory.created[1]);
    await pool.release(held);
    expect(pool.stats()).toMatchObject({ idle: 1, inUse: 1, waiting: 0 });
  });

  it('waiters are served in arrival order', async () => {
    const factory = new ControlledFactory();
    const pool = createPool(factory, { size: 1, acquireTimeoutMs: Infinity });
    const held = await pool.acquire();
    const order: string[] = [];
    const first = pool.acquire().then((resource) => {
      order.push('first');
      return resource;
    });
    const second = pool.acquire().then((resource) => {
      order.push('second');
      return resource;
    });
    await pool.release(held);
    await pool.release(await first);
    await pool.release(await second);
    expect(order).toEqual(['first', 'second']);
  });

  it('concurrent acquires never create more than size resources', async () => {
    const factory = new ControlledFactory();
    const gates = [factory.holdNextCreate(), factory.holdNextCreate(), factory.holdNextCreate()];
    const pool = createPool(factory, { size: 3, acquireTimeoutMs: Infinity });
    const acquires = Array.from({ length: 6 }, () => pool.acquire());
    await flush();
    expect(factory.createCalls).toBe(3);
    expect(pool.stats()).toMatchObject({ creating: 3, waiting: 6 });
    expect(withinLimit(pool.stats())).toBe(true);
    for (const gate of gates) gate.resolve();
    const served = await Promise.all(acquires.slice(0, 3));
    expect(new Set(served).size).toBe(3);
    expect(pool.stats()).toMatchObject({ inUse: 3, waiting: 3, created: 3 });
    for (const resource of served) await pool.release(resource);
    expect(new Set(await Promise.all(acquires.slice(3)))).toEqual(new Set(served));
    expect(factory.createCalls).toBe(3);
  });
});
