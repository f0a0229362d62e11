import fc from 'fast-check';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createPool, type Pool } from '@pool/core/generic-pool';
import { flush, useFakeClock } from '../support/pool-helpers.js';
import { RecordingFactory, type Connection } from './support.js';

/** Runs per property; POOL_MODEL_RUNS (the model test's knob) scales it for a longer soak. */
const NUM_RUNS = Math.max(20, Math.round(Number(process.env['POOL_MODEL_RUNS'] ?? 1_000) / 10));

type Step =
  | { kind: 'acquire'; priority: number }
  | { kind: 'release'; pick: number }
  | { kind: 'destroy'; pick: number }
  | { kind: 'failNextCreate' }
  | { kind: 'invalidate'; pick: number };

const stepArbitrary: fc.Arbitrary<Step> = fc.oneof(
  fc.record({ kind: fc.constant('acquire' as const), priority: fc.integer({ min: -1, max: 3 }) }),
  fc.record({ kind: fc.constant('release' as const), pick: fc.nat() }),
  fc.record({ kind: fc.constant('destroy' as const), pick: fc.nat() }),
  fc.record({ kind: fc.constant('failNextCreate' as const) }),
  fc.record({ kind: fc.constant('invalidate' as const), pick: fc.nat() }),
);

/** What the test itself knows, to compare the pool's counters with. */
interface Tally {
  held: Connection[];
  waiting: number;
}

function checkCounters(pool: Pool<Connection>, tally: Tally, max: number): void {
  expect(pool.borrowed).toBe(tally.held.length);
  expect(pool.pending).toBe(tally.waiting);
  expect(pool.size).toBeGreaterThanOrEqual(pool.available + pool.borrowed);
  expect(pool.size).toBeLessThanOrEqual(Math.max(max, pool.borrowed));
  expect(pool.spareResourceCapacity).toBe(max - pool.size);
  for (const connection of tally.held) expect(pool.isBorrowedResource(connection)).toBe(true);
}

describe('generic-pool counters under random sequences', () => {
  // Simulated time: create retries back off up to seconds, which the final loop skips through instead of waiting.
  beforeEach(useFakeClock);
  afterEach(() => {
    vi.useRealTimers();
  });

  it('borrowed and pending match what callers hold and wait for after every step; drain and clear destroy all', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.record({ max: fc.integer({ min: 1, max: 4 }), min: fc.integer({ min: 0, max: 2 }), testOnBorrow: fc.boolean(), testOnReturn: fc.boolean() }),
        fc.array(stepArbitrary, { maxLength: 40 }),
        async (options, steps) => {
          const factory = new RecordingFactory();
          const pool = createPool(factory, { ...options, priorityRange: 3 });
          pool.on('factoryCreateError', () => {});
          const max = pool.max;
          const tally: Tally = { held: [], waiting: 0 };
          const take = (priority: number): void => {
            tally.waiting++;
            void pool.acquire(priority).then((connection) => {
              tally.waiting--;
              tally.held.push(connection);
            });
          };
          const giveBack = (pick: number, how: 'release' | 'destroy'): void => {
            const connection = tally.held.splice(pick % tally.held.length, 1)[0] as Connection;
            void pool[how](connection);
          };
          await flush();
          for (const step of steps) {
            if (step.kind === 'acquire') take(step.priority);
            else if (step.kind === 'failNextCreate') factory.createErrors.push(new Error('refused'));
            else if (tally.held.length > 0 && step.kind === 'invalidate') (tally.held[step.pick % tally.held.length] as Connection).open = false;
            else if (tally.held.length > 0 && step.kind !== 'invalidate') giveBack(step.pick, step.kind);
            await flush(3);
            checkCounters(pool, tally, max);
          }
          // Every caller is eventually served (creates are retried): give back until nobody waits.
          for (let round = 0; round < 100 && (tally.waiting > 0 || tally.held.length > 0); round++) {
            while (tally.held.length > 0) giveBack(0, 'release');
            await vi.advanceTimersByTimeAsync(1_000);
            await flush(3);
            checkCounters(pool, tally, max);
          }
          expect(tally).toEqual({ held: [], waiting: 0 });
          await pool.drain();
          await pool.clear();
          expect([pool.size, pool.available, pool.borrowed, pool.pending]).toEqual([0, 0, 0, 0]);
          expect(new Set(factory.destroyed)).toEqual(new Set(factory.created));
          expect(factory.destroyed).toHaveLength(factory.created.length);
        },
      ),
      { numRuns: NUM_RUNS },
    );
  }, 120_000);
});
