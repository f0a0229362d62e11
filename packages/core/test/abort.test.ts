import { describe, expect, it } from 'vitest';
import { AcquireAbortedError, createPool } from '@pool/core';
import { ControlledFactory, flush, rejectionOf } from './support/pool-helpers.js';

describe('aborting an acquire', () => {
  it('an already aborted signal rejects at once with ACQUIRE_ABORTED and starts no create', async () => {
    const factory = new ControlledFactory();
    const pool = createPool(factory, { size: 2 });
    const reason = new Error('caller gave up');
    const error = await rejectionOf(pool.acquire({ signal: AbortSignal.abort(reason) }));
    expect(error).toBeInstanceOf(AcquireAbortedError);
    expect(error).toMatchObject({ code: 'ACQUIRE_ABORTED', cause: reason });
    expect(factory.createCalls).toBe(0);
    expect(pool.stats()).toMatchObject({ idle: 0, inUse: 0, creating: 0, waiting: 0 });
  });

  it('an already aborted signal does not take an idle resource', async () => {
    const factory = new ControlledFactory();
    const pool = createPool(factory, { size: 2 });
    await pool.release(await pool.acquire());
    await expect(pool.acquire({ signal: AbortSignal.abort() })).rejects.toMatchObject({ code: 'ACQUIRE_ABORTED' });
    expect(pool.stats()).toMatchObject({ idle: 1, inUse: 0, acquired: 1 });
  });

  it('aborting a queued acquire takes it out of the queue, and a later release goes idle', async () => {
    const factory = new ControlledFactory();
    const pool = createPool(factory, { size: 1, acquireTimeoutMs: Infinity });
    const held = await pool.acquire();
    const controller = new AbortController();
    const waiting = pool.acquire({ signal: controller.signal });
    await flush();
    expect(pool.stats()).toMatchObject({ waiting: 1 });
    controller.abort();
    await expect(waiting).rejects.toMatchObject({ code: 'ACQUIRE_ABORTED' });
    expect(pool.stats()).toMatchObject({ waiting: 0 });
    await pool.release(held);
    expect(pool.stats()).toMatchObject({ idle: 1, inUse: 0, acquired: 1 });
  });

  it('aborting an acquire whose create is in flight hands the resource to the next waiter', async () => {
    const factory = new ControlledFactory();
    const gate = factory.holdNextCreate();
    const pool = createPool(factory, { size: 1, acquireTimeoutMs: Infinity });
    const controller = new AbortController();
    const aborted = pool.acquire({ signal: controller.signal });
    const next = pool.acquire();
    await flush();
    controller.abort();
    await expect(aborted).rejects.toMatchObject({ code: 'ACQUIRE_ABORTED' });
    expect(factory.signals[0]?.aborted).toBe(false);
    gate.resolve();
    expect(await next).toBe(factory.created[0]);
    expect(pool.stats()).toMatchObject({ inUse: 1, created: 1, destroyed: 0 });
  });

  it('aborting an acquire whose create is in flight leaves the resource idle when nobody waits', async () => {
    const factory = new ControlledFactory();
    const gate = factory.holdNextCreate();
    const pool = createPool(factory, { size: 1 });
    const controller = new AbortController();
    const aborted = pool.acquire({ signal: controller.signal });
    await flush();
    controller.abort();
    await expect(aborted).rejects.toMatchObject({ code: 'ACQUIRE_ABORTED' });
    gate.resolve();
    await flush();
    expect(pool.stats()).toMatchObject({ idle: 1, inUse: 0, creating: 0, created: 1, destroyed: 0 });
  });

  it('a signal that is not an AbortSignal rejects with INVALID_OPTION', async () => {
    const pool = createPool(new ControlledFactory(), { size: 1 });
    const notASignal = { aborted: false } as unknown as AbortSignal;
    await expect(pool.acquire({ signal: notASignal })).rejects.toMatchObject({ code: 'INVALID_OPTION' });
  });
});
