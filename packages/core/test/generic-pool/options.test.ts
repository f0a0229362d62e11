import { describe, expect, it } from 'vitest';
import { GENERIC_POOL_DEFAULTS, InvalidFactoryError, InvalidOptionError, createPool } from '@pool/core/generic-pool';
import { RecordingFactory } from './support.js';

describe('generic-pool options', () => {
  it("defaults to generic-pool's max 1 and min 0", async () => {
    const pool = createPool(new RecordingFactory());
    expect([pool.max, pool.min]).toEqual([1, 0]);
    expect(GENERIC_POOL_DEFAULTS).toMatchObject({ max: 1, min: 0, fifo: true, testOnBorrow: false, idleTimeoutMillis: 30_000 });
    await pool.drain();
  });

  it('parses counts like generic-pool: numeric strings count, unparsable values fall back to the defaults', async () => {
    const parsed = createPool(new RecordingFactory(), { max: '4' as unknown as number, min: '2.9' as unknown as number });
    expect([parsed.max, parsed.min]).toEqual([4, 2]);
    const malformed = createPool(new RecordingFactory(), { max: [] as unknown as number, min: 'none' as unknown as number });
    expect([malformed.max, malformed.min]).toEqual([1, 0]);
    await Promise.all([parsed.drain(), malformed.drain()]);
  });

  it('caps min at max, and max at 1 from below', async () => {
    const pool = createPool(new RecordingFactory(), { max: 3, min: 7 });
    expect([pool.max, pool.min]).toEqual([3, 3]);
    const tiny = createPool(new RecordingFactory(), { max: -2 });
    expect(tiny.max).toBe(1);
    await pool.ready();
    await Promise.all([pool.drain(), tiny.drain()]);
  });

  it('ignores keys generic-pool does not know (a config object shared with other code keeps working)', async () => {
    const pool = createPool(new RecordingFactory(), { max: 2, log: false } as unknown as { max: number });
    expect(pool.max).toBe(2);
    await pool.drain();
  });

  it('rejects what generic-pool would trip over later with typed errors at construction', () => {
    expect(() => createPool({ create: () => ({}) } as never)).toThrow(InvalidFactoryError);
    expect(() => createPool(new RecordingFactory(), { acquireTimeoutMillis: -5 })).toThrow(InvalidOptionError);
    expect(() => createPool(new RecordingFactory(), { destroyTimeoutMillis: 'soon' as unknown as number })).toThrow(
      InvalidOptionError,
    );
    expect(() => createPool(new RecordingFactory(), { Promise: {} as never })).toThrow(InvalidOptionError);
    expect(() => createPool(new RecordingFactory(), 5 as never)).toThrow(InvalidOptionError);
  });

  it('returns promises of the Promise option library', async () => {
    const made = new Set<PromiseLike<unknown>>();
    const library = {
      resolve<V>(value: V | PromiseLike<V>): Promise<Awaited<V>> {
        const promise = Promise.resolve(value);
        made.add(promise);
        return promise;
      },
    };
    const pool = createPool(new RecordingFactory(), { Promise: library });
    const acquiring = pool.acquire();
    expect(made.has(acquiring)).toBe(true);
    const connection = await acquiring;
    const releasing = pool.release(connection);
    expect(made.has(releasing)).toBe(true);
    await releasing;
    const draining = pool.drain();
    expect(made.has(draining)).toBe(true);
    await draining;
  });
});
