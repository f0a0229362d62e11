import fc from 'fast-check';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createPool } from '@pool/core';
import { modelCommandArbitrary, modelConfigArbitrary } from './support/model-arbitraries.js';
import { closeAndAudit, drainOpenPool } from './support/model-finish.js';
import { flushMicrotasks, ModelWorld } from './support/model-world.js';
import { deferred } from './support/test-factory.js';

/** Runs per property; CI sets POOL_MODEL_RUNS for a longer soak. */
const NUM_RUNS = Number(process.env['POOL_MODEL_RUNS'] ?? 1_000);

/** Fake timeouts and `Date`; `setImmediate` stays real so a flush can drain promise callbacks. */
function useModelClock(): void {
  vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'setInterval', 'clearInterval', 'Date'] });
  vi.setSystemTime(0);
  // The create-retry backoff draws jitter from Math.random: pin it so a counterexample replays exactly.
  vi.spyOn(Math, 'random').mockReturnValue(0.5);
}

describe('model: random interleavings of callers, factory completions and time', () => {
  beforeEach(useModelClock);
  afterEach(() => {
    vi.useRealTimers();
  });

  it('keeps every invariant after every step, serves every waiter, and destroys each resource once on close', async () => {
    await fc.assert(
      fc.asyncProperty(
        modelConfigArbitrary,
        fc.commands([modelCommandArbitrary], { maxCommands: 80, size: 'max' }),
        async (config, commands) => {
          vi.clearAllTimers();
          vi.setSystemTime(0);
          const world = new ModelWorld(config);
          await fc.asyncModelRun(() => ({ model: world, real: world.pool }), commands);
          await drainOpenPool(world);
          await closeAndAudit(world);
        },
      ),
      { numRuns: NUM_RUNS },
    );
  });
});

/** Reproductions the property found, shrunk to their minimal form; each is named by the behaviour it checks. */
describe('model: minimal counterexamples', () => {
  beforeEach(useModelClock);
  afterEach(() => {
    vi.useRealTimers();
  });

  it('a per-call acquire timeout also bounds the validation of the idle resource it is served', async () => {
    // Shrunk from: size 1, validate, acquire(), release, validate hangs, acquire({ timeoutMs: 15 }), advance 30 ms.
    const verdict = deferred<boolean>();
    let validations = 0;
    const pool = createPool(
      {
        create: () => ({ id: 1 }),
        destroy: () => undefined,
        validate: () => (++validations === 1 ? verdict.promise : true),
      },
      { size: 1, validateTimeoutMs: 5_000 },
    );
    await pool.release(await pool.acquire());
    let outcome = 'pending';
    pool.acquire({ timeoutMs: 15 }).then(
      () => (outcome = 'served'),
      (error: { code?: string }) => (outcome = error.code ?? 'unknown'),
    );
    await vi.advanceTimersByTimeAsync(30);
    await flushMicrotasks();
    expect(outcome).toBe('ACQUIRE_TIMEOUT');
    verdict.resolve(true);
    await flushMicrotasks();
    expect(outcome, 'the late verdict does not serve the caller that gave up').toBe('ACQUIRE_TIMEOUT');
    expect(pool.stats(), 'the validated resource went back to idle').toMatchObject({ idle: 1, inUse: 0 });
    await pool.close();
    expect(pool.stats().destroyed).toBe(1);
  });
});
