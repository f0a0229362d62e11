import { describe, expect, it } from 'vitest';
import { createPool } from '@pool/core';
import { ControlledFactory, ValidatingFactory, deferred, flush, stateOf } from './support/pool-helpers.js';

describe('close({ serveWaiting: true })', () => {
  it('serves the callers already queued before it closes; new acquires fail with POOL_CLOSED at once', async () => {
    const factory = new ControlledFactory();
    const pool = createPool(factory, { size: 1, acquireTimeoutMs: Infinity });
    const held = await pool.acquire();
    const queued = [pool.acquire(), pool.acquire()];
    const closed = pool.close({ serveWaiting: true });
    expect(pool.isClosed).toBe(true);
    await expect(pool.acquire()).rejects.toMatchObject({ code: 'POOL_CLOSED' });
    await pool.release(held);
    const first = await queued[0];
    expect(first).toBe(held);
    expect(await stateOf(closed)).toBe('pending');
    await pool.release(first as typeof held);
    const second = await queued[1];
    expect(second).toBe(held);
    await pool.release(second as typeof held);
    await closed;
    expect(factory.alive()).toEqual([]);
    expect(pool.stats()).toMatchObject({ idle: 0, inUse: 0, waiting: 0, acquired: 3, created: 1, destroyed: 1 });
  });

  it('keeps creating for queued callers whose resource is still being created', async () => {
    const factory = new ControlledFactory();
    const gate = factory.holdNextCreate();
    const pool = createPool(factory, { size: 2, acquireTimeoutMs: Infinity });
    const queued = pool.acquire();
    const closed = pool.close({ serveWaiting: true });
    gate.resolve();
    const resource = await queued;
    expect(resource.alive).toBe(true);
    await pool.release(resource);
    await closed;
    expect(resource.alive).toBe(false);
  });

  it('serves a queued caller whose idle resource is being validated', async () => {
    const factory = new ValidatingFactory();
    const verdict = deferred<boolean>();
    const pool = createPool(factory, { size: 1, acquireTimeoutMs: Infinity });
    const resource = await pool.acquire();
    const queued = pool.acquire();
    factory.validation = () => verdict.promise;
    await pool.release(resource);
    await flush();
    const closed = pool.close({ serveWaiting: true });
    verdict.resolve(true);
    expect(await queued).toBe(resource);
    await pool.release(resource);
    await closed;
    expect(factory.alive()).toEqual([]);
  });

  it('with nobody queued it closes at once, like close()', async () => {
    const factory = new ControlledFactory();
    const pool = createPool(factory, { size: 2 });
    await pool.release(await pool.acquire());
    await pool.close({ serveWaiting: true });
    expect(factory.alive()).toEqual([]);
  });

  it('timeoutMs bounds the serving: callers still queued at the deadline are rejected with POOL_CLOSED', async () => {
    const factory = new ControlledFactory();
    const pool = createPool(factory, { size: 1, acquireTimeoutMs: Infinity });
    const held = await pool.acquire();
    const queued = pool.acquire();
    const closed = pool.close({ serveWaiting: true, timeoutMs: 20 });
    await expect(queued).rejects.toMatchObject({ code: 'POOL_CLOSED' });
    await closed;
    expect(held.alive).toBe(false);
    await pool.release(held);
  });

  // Regression (issue 9, found by the model test, seed 20261130 once it drew propagateCreateError and serveWaiting):
  // the create of the only queued caller failed while nothing else was alive, so close() resolved at once although
  // the caller still waited; the retry then served it a resource after the close, never destroyed.
  it('with propagateCreateError: false, a failed create does not end the close while a queued caller still waits', async () => {
    const factory = new ControlledFactory();
    const gate = factory.holdNextCreate();
    factory.createErrors.push(new Error('down'));
    const pool = createPool(factory, {
      size: 1,
      acquireTimeoutMs: Infinity,
      propagateCreateError: false,
      createRetryDelayMs: 1,
      createRetryMaxDelayMs: 4,
    });
    pool.on('error', () => undefined);
    const queued = pool.acquire();
    const closed = pool.close({ serveWaiting: true });
    gate.resolve();
    await flush();
    expect(await stateOf(closed), 'the close still serves the queued caller').toBe('pending');
    const resource = await queued;
    expect(resource.alive).toBe(true);
    await pool.release(resource);
    await closed;
    expect(factory.alive()).toEqual([]);
    expect(pool.stats()).toMatchObject({ inUse: 0, waiting: 0, created: 1, destroyed: 1 });
  });

  // Regression (issue 9, found by the model test, seed 588348192): the only queued caller timed out (or aborted)
  // while its idle resource was validated; the close kept serving nobody until the validation answered (up to
  // validateTimeoutMs), with idle resources and background creates kept alive meanwhile.
  it('a queued caller who gives up while its resource is validated does not keep the close serving', async () => {
    const factory = new ValidatingFactory();
    const pool = createPool(factory, { size: 2, acquireTimeoutMs: Infinity });
    const first = await pool.acquire();
    const second = await pool.acquire();
    await pool.release(first);
    await pool.release(second);
    const verdict = deferred<boolean>();
    factory.validation = () => verdict.promise;
    const controller = new AbortController();
    const waiting = pool.acquire({ signal: controller.signal });
    await flush();
    const closed = pool.close({ serveWaiting: true });
    controller.abort();
    await expect(waiting).rejects.toMatchObject({ code: 'ACQUIRE_ABORTED' });
    await flush();
    expect(pool.stats(), 'nobody waits: the close tears down at once, destroying the idle resource').toMatchObject({
      idle: 0,
      destroyed: 1,
    });
    verdict.resolve(true);
    await closed;
    expect(factory.alive()).toEqual([]);
  });

  it('rejects a serveWaiting that is not a boolean with INVALID_OPTION', async () => {
    const pool = createPool(new ControlledFactory());
    await expect(pool.close({ serveWaiting: 'yes' as unknown as boolean })).rejects.toMatchObject({ code: 'INVALID_OPTION' });
    expect(pool.isClosed).toBe(false);
    await pool.close();
  });
});
