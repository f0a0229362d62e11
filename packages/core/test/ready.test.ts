import { describe, expect, it } from 'vitest';
import { PoolClosedError, createPool } from '@pool/core';
import { ControlledFactory, rejectionOf, stateOf } from './support/pool-helpers.js';

describe('pool.ready()', () => {
  it('resolves at once when minIdle is 0', async () => {
    const pool = createPool(new ControlledFactory(), { size: 2 });
    expect(await stateOf(pool.ready())).toBe('fulfilled');
    expect(pool.stats().idle).toBe(0);
    await pool.close();
  });

  it('resolves once minIdle resources are idle, not before', async () => {
    const factory = new ControlledFactory();
    const gates = [factory.holdNextCreate(), factory.holdNextCreate()];
    const pool = createPool(factory, { size: 4, minIdle: 2 });
    const ready = pool.ready();
    gates[0]?.resolve();
    expect(await stateOf(ready)).toBe('pending');
    gates[1]?.resolve();
    await ready;
    expect(pool.stats()).toMatchObject({ idle: 2, creating: 0 });
    await pool.close();
  });

  it('keeps waiting through create failures and resolves once the factory recovers', async () => {
    const factory = new ControlledFactory();
    factory.createErrors.push(new Error('down'), new Error('down'));
    const pool = createPool(factory, { size: 2, minIdle: 1, createRetryDelayMs: 1, createRetryMaxDelayMs: 2 });
    pool.on('error', () => {});
    await pool.ready();
    expect(pool.stats()).toMatchObject({ idle: 1, createErrors: 2 });
    await pool.close();
  });

  it('rejects with POOL_CLOSED when the pool closes first, and after close', async () => {
    const factory = new ControlledFactory();
    const gate = factory.holdNextCreate();
    const pool = createPool(factory, { size: 1, minIdle: 1 });
    const ready = pool.ready();
    const closed = pool.close();
    expect(await rejectionOf(ready)).toBeInstanceOf(PoolClosedError);
    await expect(pool.ready()).rejects.toMatchObject({ code: 'POOL_CLOSED' });
    gate.resolve();
    await closed;
    expect(factory.alive()).toEqual([]);
  });
});
