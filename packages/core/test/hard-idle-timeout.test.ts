import { afterEach, describe, expect, it, vi } from 'vitest';
import { InvalidOptionError, createPool } from '@pool/core';
import { ControlledFactory, flush, useFakeClock } from './support/pool-helpers.js';

describe('hardIdleTimeoutMs', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it('replaces idle resources kept for minIdle once they sat idle that long', async () => {
    useFakeClock();
    const factory = new ControlledFactory();
    const pool = createPool(factory, { size: 2, minIdle: 2, hardIdleTimeoutMs: 100 });
    await pool.ready();
    const first = [...factory.created];
    await vi.advanceTimersByTimeAsync(150);
    await flush();
    expect(first.every((resource) => !resource.alive)).toBe(true);
    expect(pool.stats()).toMatchObject({ idle: 2, created: 4, destroyed: 2 });
    await pool.close();
  });

  it('idleTimeoutMs alone keeps the minIdle resources', async () => {
    useFakeClock();
    const factory = new ControlledFactory();
    const pool = createPool(factory, { size: 2, minIdle: 2, idleTimeoutMs: 100 });
    await pool.ready();
    await vi.advanceTimersByTimeAsync(150);
    await flush();
    expect(pool.stats()).toMatchObject({ idle: 2, created: 2, destroyed: 0 });
    await pool.close();
  });

  it('rejects values below 1 with INVALID_OPTION', () => {
    expect(() => createPool(new ControlledFactory(), { hardIdleTimeoutMs: 0 })).toThrow(InvalidOptionError);
  });
});
