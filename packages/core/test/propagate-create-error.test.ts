import { describe, expect, it } from 'vitest';
import { AcquireTimeoutError, CreateError, createPool, type PoolError } from '@pool/core';
import { ControlledFactory, rejectionOf, stateOf } from './support/pool-helpers.js';

const fastRetry = { createRetryDelayMs: 1, createRetryMaxDelayMs: 4 } as const;

describe('propagateCreateError', () => {
  it('true (the default): the acquire a create was started for rejects with CREATE_FAILED', async () => {
    const factory = new ControlledFactory();
    factory.createErrors.push(new Error('refused'));
    const pool = createPool(factory, { size: 1, acquireTimeoutMs: Infinity });
    const error = await rejectionOf(pool.acquire());
    expect(error).toBeInstanceOf(CreateError);
    await pool.close();
  });

  it('false: the caller keeps waiting while creates are retried, and is served once the factory recovers', async () => {
    const factory = new ControlledFactory();
    const failures = [new Error('down 1'), new Error('down 2'), new Error('down 3')];
    factory.createErrors.push(...failures);
    const pool = createPool(factory, { size: 1, acquireTimeoutMs: Infinity, propagateCreateError: false, ...fastRetry });
    const reported: PoolError[] = [];
    pool.on('error', (error) => reported.push(error));
    const resource = await pool.acquire();
    expect(resource.alive).toBe(true);
    expect(reported.map((error) => [error.code, error.cause])).toEqual(failures.map((cause) => ['CREATE_FAILED', cause]));
    expect(pool.stats()).toMatchObject({ inUse: 1, waiting: 0, createErrors: 3, created: 1 });
    await pool.release(resource);
    await pool.close();
  });

  it('false: a caller whose wait runs out gets ACQUIRE_TIMEOUT with the create error as cause', async () => {
    const factory = new ControlledFactory();
    const failure = new Error('still down');
    for (let i = 0; i < 1_000; i++) factory.createErrors.push(failure);
    const pool = createPool(factory, { size: 1, acquireTimeoutMs: 50, propagateCreateError: false, ...fastRetry });
    pool.on('error', () => {});
    const error = await rejectionOf(pool.acquire());
    expect(error).toBeInstanceOf(AcquireTimeoutError);
    expect((error as AcquireTimeoutError).cause).toBe(failure);
    factory.createErrors.length = 0;
    await pool.close();
  });

  it('false: a fail-fast acquire is still rejected with CREATE_FAILED (it cannot wait)', async () => {
    const factory = new ControlledFactory();
    factory.createErrors.push(new Error('refused'));
    const pool = createPool(factory, { size: 1, acquireTimeoutMs: 0, propagateCreateError: false });
    pool.on('error', () => {});
    const pending = pool.acquire();
    expect(await stateOf(pending)).toBe('rejected');
    await expect(pending).rejects.toMatchObject({ code: 'CREATE_FAILED' });
    await pool.close();
  });
});
