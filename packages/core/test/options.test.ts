import { describe, expect, it } from 'vitest';
import { DEFAULTS, InvalidFactoryError, InvalidOptionError, createPool, type Factory, type PoolOptions } from '@pool/core';
import { ControlledFactory, type TestResource } from './support/pool-helpers.js';

/** Builds a pool with options TypeScript would refuse, as JavaScript callers can. */
function poolWith(options: unknown): void {
  createPool(new ControlledFactory(), options as PoolOptions);
}

describe('options', () => {
  it('has one table of defaults', () => {
    expect(DEFAULTS).toEqual({
      size: 16,
      closeOnError: false,
      acquireTimeoutMs: 0,
      maxWaiting: Infinity,
      createTimeoutMs: 30_000,
      destroyTimeoutMs: 5_000,
      validateTimeoutMs: 5_000,
      idleTimeoutMs: Infinity,
      maxLifetimeMs: Infinity,
      minIdle: 0,
      leakDetectionMs: Infinity,
      createRetryDelayMs: 100,
      createRetryMaxDelayMs: 1_000,
      idleOrder: 'lifo',
      priorityRange: 1,
      validateOnAcquire: true,
      validateOnRelease: false,
      propagateCreateError: true,
      hardIdleTimeoutMs: Infinity,
    });
  });

  it('accepts an explicit 0 where 0 is allowed, instead of replacing it with a default', async () => {
    const pool = createPool(new ControlledFactory(), { size: 1, acquireTimeoutMs: 0, minIdle: 0, maxWaiting: 0 });
    await pool.acquire();
    await expect(pool.acquire()).rejects.toMatchObject({ code: 'POOL_EXHAUSTED' });
  });

  it.each([0, -1, 1.5, Number.NaN, Infinity, '4'])('size %s throws InvalidOptionError', (size) => {
    const attempt = (): void => poolWith({ size });
    expect(attempt).toThrow(InvalidOptionError);
    expect(attempt).toThrow(expect.objectContaining({ code: 'INVALID_OPTION' }));
  });

  it('names the option, the value and the range in the message', () => {
    expect(() => poolWith({ size: 0 })).toThrow(/size.*>= 1.*0/);
  });

  it.each([
    'acquireTimeoutMs',
    'createTimeoutMs',
    'validateTimeoutMs',
    'idleTimeoutMs',
    'maxLifetimeMs',
    'leakDetectionMs',
    'createRetryDelayMs',
    'createRetryMaxDelayMs',
  ])('a negative %s throws INVALID_OPTION', (name) => {
    expect(() => poolWith({ [name]: -1 })).toThrow(expect.objectContaining({ code: 'INVALID_OPTION' }));
  });

  it.each(['acquireTimeoutMs', 'createTimeoutMs', 'idleTimeoutMs', 'leakDetectionMs'])(
    'a NaN or string %s throws INVALID_OPTION',
    (name) => {
      expect(() => poolWith({ [name]: Number.NaN })).toThrow(expect.objectContaining({ code: 'INVALID_OPTION' }));
      expect(() => poolWith({ [name]: '100' })).toThrow(expect.objectContaining({ code: 'INVALID_OPTION' }));
    },
  );

  it.each([
    ['maxWaiting', -1],
    ['maxWaiting', 1.5],
    ['minIdle', -1],
    ['minIdle', 0.5],
    ['closeOnError', 'true'],
    ['closeOnError', 1],
  ])('%s = %s throws INVALID_OPTION', (name, value) => {
    expect(() => poolWith({ size: 4, [name]: value })).toThrow(expect.objectContaining({ code: 'INVALID_OPTION' }));
  });

  it('an unknown option throws INVALID_OPTION naming it (generic-pool spells the size max)', () => {
    expect(() => poolWith({ max: 4 })).toThrow(expect.objectContaining({ code: 'INVALID_OPTION' }));
    expect(() => poolWith({ max: 4 })).toThrow(/max/);
  });

  it('options that are not an object throw INVALID_OPTION', () => {
    expect(() => poolWith(4)).toThrow(expect.objectContaining({ code: 'INVALID_OPTION' }));
    expect(() => poolWith(null)).toThrow(expect.objectContaining({ code: 'INVALID_OPTION' }));
  });

  it('minIdle above size throws INVALID_OPTION', () => {
    expect(() => poolWith({ size: 2, minIdle: 3 })).toThrow(expect.objectContaining({ code: 'INVALID_OPTION' }));
  });

  it('a retry cap below the first retry delay throws INVALID_OPTION', () => {
    expect(() => poolWith({ createRetryDelayMs: 1_000, createRetryMaxDelayMs: 500 })).toThrow(
      expect.objectContaining({ code: 'INVALID_OPTION' }),
    );
  });

  it('an idle timeout longer than the max lifetime throws INVALID_OPTION', () => {
    expect(() => poolWith({ idleTimeoutMs: 10_000, maxLifetimeMs: 5_000 })).toThrow(
      expect.objectContaining({ code: 'INVALID_OPTION' }),
    );
  });

  it.each([
    ['no factory', undefined],
    ['a null factory', null],
    ['a factory without create', { destroy: () => {} }],
    ['a factory without destroy', { create: () => ({}) }],
    ['a factory whose create is not a function', { create: 'make', destroy: () => {} }],
    ['a factory whose validate is not a function', { create: () => ({}), destroy: () => {}, validate: true }],
    ['a factory whose isBroken is not a function', { create: () => ({}), destroy: () => {}, isBroken: 0 }],
  ])('%s throws InvalidFactoryError', (_label, factory) => {
    const attempt = (): void => void createPool(factory as unknown as Factory<TestResource>);
    expect(attempt).toThrow(InvalidFactoryError);
    expect(attempt).toThrow(expect.objectContaining({ code: 'INVALID_FACTORY' }));
  });

  it('a factory with synchronous create and destroy works', async () => {
    const destroyed: object[] = [];
    const pool = createPool({ create: () => ({}), destroy: (resource: object) => void destroyed.push(resource) });
    const resource = await pool.acquire();
    await pool.release(resource);
    await pool.close();
    expect(destroyed).toEqual([resource]);
  });

  it('acquire options that are not an object reject with INVALID_OPTION', async () => {
    const pool = createPool(new ControlledFactory(), { size: 1 });
    await expect(pool.acquire(5 as unknown as { timeoutMs: number })).rejects.toMatchObject({ code: 'INVALID_OPTION' });
  });
});

describe('option getters', () => {
  it('minIdle reads the pool\'s minIdle option, 0 by default', async () => {
    const pool = createPool(new ControlledFactory(), { size: 3, minIdle: 2 });
    expect(pool.minIdle).toBe(2);
    expect(createPool(new ControlledFactory()).minIdle).toBe(0);
    await pool.close();
  });
});
