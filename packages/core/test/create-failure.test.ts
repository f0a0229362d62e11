import { afterEach, describe, expect, it, vi } from 'vitest';
import { CreateError, CreateTimeoutError, createPool, type PoolError } from '@pool/core';
import { ControlledFactory, flush, rejectionOf, stateOf, useFakeClock } from './support/pool-helpers.js';

/** The default first retry delay (`createRetryDelayMs`). */
const DEFAULT_FIRST_RETRY_MS = 100;

afterEach(() => {
  vi.useRealTimers();
});

/** A factory whose every create fails. */
function failingFactory(): { factory: ControlledFactory; failure: Error } {
  const factory = new ControlledFactory();
  const failure = new Error('connection refused');
  factory.create = (signal?: AbortSignal) => {
    factory.createCalls++;
    if (signal !== undefined) factory.signals.push(signal);
    return Promise.reject(failure);
  };
  return { factory, failure };
}

describe('create failures', () => {
  it('a failed create rejects the acquire that triggered it with CreateError, the factory error as cause', async () => {
    const factory = new ControlledFactory();
    const failure = new Error('connection refused');
    factory.createErrors.push(failure);
    const pool = createPool(factory, { size: 2 });
    const error = await rejectionOf(pool.acquire());
    expect(error).toBeInstanceOf(CreateError);
    expect(error).toMatchObject({ code: 'CREATE_FAILED', cause: failure });
    expect(pool.stats()).toMatchObject({ creating: 0, inUse: 0, createErrors: 1 });
  });

  it('a failed create frees its slot: an acquire after the backoff delay creates again', async () => {
    useFakeClock();
    const factory = new ControlledFactory();
    factory.createErrors.push(new Error('once'));
    const pool = createPool(factory, { size: 1 });
    await expect(pool.acquire()).rejects.toMatchObject({ code: 'CREATE_FAILED' });
    await vi.advanceTimersByTimeAsync(DEFAULT_FIRST_RETRY_MS);
    const resource = await pool.acquire();
    expect(resource.alive).toBe(true);
    expect(pool.stats()).toMatchObject({ inUse: 1, created: 1, createErrors: 1 });
  });

  it('a failed create reaches a waiting acquire instead of leaving it queued', async () => {
    const { factory, failure } = failingFactory();
    const pool = createPool(factory, { size: 1, acquireTimeoutMs: Infinity });
    const error = await rejectionOf(pool.acquire());
    expect(error).toMatchObject({ code: 'CREATE_FAILED', cause: failure });
    expect(pool.stats()).toMatchObject({ waiting: 0, creating: 0 });
  });

  it('a create that keeps failing settles every waiting acquire with its error', async () => {
    useFakeClock();
    const { factory, failure } = failingFactory();
    const pool = createPool(factory, { size: 1, acquireTimeoutMs: Infinity });
    const outcomes = Array.from({ length: 5 }, () => pool.acquire().then(() => 'served', (error: unknown) => error));
    await vi.advanceTimersByTimeAsync(60_000);
    for (const outcome of outcomes) expect(await stateOf(outcome)).toBe('fulfilled');
    for (const outcome of outcomes) expect(await outcome).toMatchObject({ code: 'CREATE_FAILED', cause: failure });
    expect(factory.createCalls).toBe(5);
  });

  it.each([
    ['shortest', 0],
    ['longest', 0.999_999],
  ])("the pool's retries for other waiters back off exponentially up to a cap (%s jitter)", async (_jitter, random) => {
    vi.spyOn(Math, 'random').mockReturnValue(random);
    useFakeClock();
    const { factory } = failingFactory();
    const pool = createPool(factory, {
      size: 1,
      acquireTimeoutMs: Infinity,
      createRetryDelayMs: 100,
      createRetryMaxDelayMs: 5_000,
    });
    const outcomes = Array.from({ length: 200 }, () => pool.acquire().catch((error: unknown) => error));
    await flush();
    expect(factory.createCalls).toBe(1);
    // Delays are 50..100, 100..200, 200..400, ... (random in the upper half): at most 5 tries in the first second.
    await vi.advanceTimersByTimeAsync(1_000);
    expect(factory.createCalls).toBeGreaterThanOrEqual(2);
    expect(factory.createCalls).toBeLessThanOrEqual(5);
    // Capped at 5 s (2.5..5 s with jitter): between 17 and 31 tries in a minute, so it neither stops nor spins.
    await vi.advanceTimersByTimeAsync(59_000);
    expect(factory.createCalls).toBeGreaterThanOrEqual(17);
    expect(factory.createCalls).toBeLessThanOrEqual(31);
    // Once capped, every 5 s window holds at least one retry.
    const before = factory.createCalls;
    await vi.advanceTimersByTimeAsync(20_000);
    expect(factory.createCalls - before).toBeGreaterThanOrEqual(4);
    expect(factory.createCalls - before).toBeLessThanOrEqual(8);
    expect(pool.stats().createErrors).toBe(factory.createCalls);
    await pool.close();
    await Promise.all(outcomes);
  });

  it('createTimeoutMs rejects the acquire with CreateTimeoutError and aborts the signal given to create', async () => {
    useFakeClock();
    const factory = new ControlledFactory();
    const gate = factory.holdNextCreate();
    const pool = createPool(factory, { size: 1, createTimeoutMs: 1_000 });
    const acquiring = pool.acquire();
    await vi.advanceTimersByTimeAsync(999);
    expect(await stateOf(acquiring)).toBe('pending');
    expect(factory.signals[0]?.aborted).toBe(false);
    await vi.advanceTimersByTimeAsync(1);
    const error = await rejectionOf(acquiring);
    expect(error).toBeInstanceOf(CreateTimeoutError);
    expect(error).toMatchObject({ code: 'CREATE_TIMEOUT' });
    expect(factory.signals[0]?.aborted).toBe(true);
    expect(pool.stats()).toMatchObject({ creating: 0, createErrors: 1 });
    gate.resolve();
    await flush();
    expect(factory.created).toHaveLength(1);
    expect(factory.alive()).toEqual([]);
    expect(pool.stats()).toMatchObject({ idle: 0, created: 1, destroyed: 1 });
  });

  it('a background create that fails is emitted as an error event', async () => {
    const factory = new ControlledFactory();
    const failure = new Error('no route');
    factory.createErrors.push(failure);
    const errors: PoolError[] = [];
    const pool = createPool(factory, { size: 2, minIdle: 1 });
    pool.on('error', (error) => errors.push(error));
    await flush();
    expect(errors).toHaveLength(1);
    expect(errors[0]).toBeInstanceOf(CreateError);
    expect(errors[0]).toMatchObject({ code: 'CREATE_FAILED', cause: failure });
    expect(pool.stats()).toMatchObject({ createErrors: 1 });
  });

  it('a background create that fails is retried after a backoff', async () => {
    useFakeClock();
    const factory = new ControlledFactory();
    factory.createErrors.push(new Error('no route'));
    const pool = createPool(factory, { size: 2, minIdle: 1, createRetryDelayMs: 100, createRetryMaxDelayMs: 100 });
    pool.on('error', () => {});
    await flush();
    expect(pool.stats()).toMatchObject({ idle: 0, createErrors: 1 });
    await vi.advanceTimersByTimeAsync(1_000); // ten times the retry delay
    await flush();
    expect(factory.createCalls).toBe(2);
    expect(pool.stats()).toMatchObject({ idle: 1, created: 1 });
  });

  it('after a failed create, the next waiter is served once the factory recovers', async () => {
    useFakeClock();
    const factory = new ControlledFactory();
    const failure = new Error('refused once');
    factory.createErrors.push(failure);
    const pool = createPool(factory, { size: 1, acquireTimeoutMs: Infinity });
    const first = pool.acquire().catch((error: unknown) => error);
    const second = pool.acquire();
    expect(await first).toMatchObject({ code: 'CREATE_FAILED', cause: failure });
    await vi.advanceTimersByTimeAsync(DEFAULT_FIRST_RETRY_MS);
    const resource = await second;
    expect(resource.alive).toBe(true);
    expect(pool.stats()).toMatchObject({ inUse: 1, waiting: 0, created: 1, createErrors: 1 });
  });

  it('a create that returns a resource the pool already holds fails with INVALID_RESOURCE as cause', async () => {
    const shared = { id: 1 };
    const destroyed: object[] = [];
    const pool = createPool({ create: () => shared, destroy: (resource: object) => void destroyed.push(resource) }, { size: 2 });
    expect(await pool.acquire()).toBe(shared);
    const error = await rejectionOf(pool.acquire());
    expect(error).toMatchObject({ code: 'CREATE_FAILED', cause: expect.objectContaining({ code: 'INVALID_RESOURCE' }) });
    expect(destroyed).toEqual([]);
    expect(pool.stats()).toMatchObject({ inUse: 1, creating: 0, created: 1 });
  });

  it('a create that throws synchronously rejects the acquire instead of throwing from it', async () => {
    const failure = new Error('bad host');
    const pool = createPool(
      {
        create: (): object => {
          throw failure;
        },
        destroy: () => {},
      },
      { size: 1 },
    );
    let acquiring: Promise<object> | undefined;
    expect(() => {
      acquiring = pool.acquire();
    }).not.toThrow();
    expect(await rejectionOf(acquiring as Promise<object>)).toMatchObject({ code: 'CREATE_FAILED', cause: failure });
    expect(pool.stats()).toMatchObject({ creating: 0, createErrors: 1 });
  });
});
