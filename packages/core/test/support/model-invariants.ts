import { expect } from 'vitest';
import type { PoolStats } from '@pool/core';
import type { ModelWorld } from './model-world.js';

/**
 * The checks made after every step: `stats()` agrees with what the callers hold, what the factory made and
 * destroyed, and what is still in flight; no promise the pool made was broken.
 */
export function checkInvariants(world: ModelWorld): void {
  expect(world.violations, 'promises kept').toEqual([]);
  expect(world.factory.violations, 'factory used correctly').toEqual([]);
  const stats = world.pool.stats();
  const validating = world.validatingInPool();
  const pending = world.pendingAcquires();
  const held = world.held.size;
  expect(stats.idle + stats.inUse + stats.creating, 'idle + inUse + creating <= max(size, inUse)').toBeLessThanOrEqual(
    Math.max(stats.size, stats.inUse),
  );
  expect(stats.size, 'size').toBe(world.size);
  expect(stats.inUse, 'inUse counts the held resources and those being validated').toBeGreaterThanOrEqual(held);
  expect(stats.inUse, 'inUse counts the held resources and those being validated').toBeLessThanOrEqual(held + validating);
  expect(world.factory.liveResources().length, 'every live resource is idle or in use (held or being validated)').toBe(
    stats.idle + stats.inUse,
  );
  expect(world.idleResources().length, 'idle = live resources neither held nor being validated').toBe(stats.idle);
  expect(stats.waiting, 'waiting counts the pending callers not being validated').toBeLessThanOrEqual(pending.length);
  expect(stats.waiting, 'waiting counts the pending callers not being validated').toBeGreaterThanOrEqual(
    pending.length - validating,
  );
  expect(stats.creating, 'creating <= creates the factory still runs').toBeLessThanOrEqual(world.runningCreates());
  if (stats.waiting > 0) expect(stats.idle, 'no caller waits beside an idle resource').toBe(0);
  for (const resource of world.held.keys()) expect(resource.destroyCount, `held resource ${resource.id} is live`).toBe(0);
  const overdue = pending.filter((record) => record.deadlineMs <= Date.now()).map((record) => record.index);
  expect(overdue, 'no acquire outlives its timeout').toEqual([]);
  checkCounters(world, stats);
  if (world.isClosed) checkClosed(stats, pending.length, validating);
}

/**
 * Called after the clock moved: without a retry backoff, every waiter not covered by a create means the pool is full.
 * (Right after a create failure the pool's follow-up creates wait for its retry timer, a macrotask; once the clock
 * moved past the last failure, that timer has run.)
 */
export function checkNoWaiterStarves(world: ModelWorld): void {
  const stats = world.pool.stats();
  if (world.config.createRetryDelayMs !== 0 || world.isClosed || stats.waiting <= stats.creating) return;
  if (Date.now() <= world.lastCreateFailureAtMs()) return;
  expect(stats.idle + stats.inUse + stats.creating, 'no caller waits while the pool has room to create').toBeGreaterThanOrEqual(
    stats.size,
  );
}

function checkCounters(world: ModelWorld, stats: PoolStats): void {
  expect(stats.created, 'created counter').toBe(world.factory.resources.length);
  expect(stats.destroyed, 'destroyed counter').toBe(world.factory.destroysSettled);
  expect(stats.destroyErrors, 'destroyErrors counter').toBe(world.factory.destroyFailures);
  expect(stats.acquired, 'acquired counter').toBe(world.served);
  expect(stats.released, 'released counter').toBe(world.released);
  expect(stats.timeouts, 'timeouts counter').toBe(world.timeouts);
  expect(stats.validationFailures, 'validationFailures counter').toBe(world.expectedValidationFailures());
  const destroyErrorsReported = world.reportedErrors.filter((error) => error.code === 'DESTROY_FAILED').length;
  expect(destroyErrorsReported, 'every destroy error is emitted').toBe(world.factory.destroyFailures);
}

function checkClosed(stats: PoolStats, pending: number, validating: number): void {
  expect(stats.waiting, 'a closed pool has no waiters').toBe(0);
  expect(stats.idle, 'a closed pool keeps no idle resource').toBe(0);
  expect(stats.creating, 'a closed pool runs no create').toBe(0);
  expect(pending, 'after close only callers being validated are pending').toBeLessThanOrEqual(validating);
}
