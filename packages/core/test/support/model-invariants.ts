import { expect } from 'vitest';
import type { PoolStats } from '@pool/core';
import type { HungDestroy } from './model-factory.js';
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
  const total = stats.idle + stats.inUse + stats.creating;
  if (total > stats.size) {
    // Only after a shrink: the excess is resources in use and creates callers wait for, never an idle resource.
    expect(stats.idle, 'over the size, no resource is kept idle').toBe(0);
    expect(stats.creating, 'over the size, every create is one a caller waits for').toBeLessThanOrEqual(stats.waiting);
  }
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
  checkInUse(world);
  world.idle.update(world.idleResources());
  if (world.closeResolved) expect(pending.map((record) => record.index), 'no caller waits once close() resolved').toEqual([]);
  if (world.isTornDown()) checkClosed(stats, pending.length, validating);
  // A closing pool stops its reaper (a serveWaiting close hands out no idle resource past the limit, and destroys the
  // rest at teardown).
  if (!world.isClosed) checkExpiry(world);
}

/** `isInUse(resource)` is true exactly for the resources callers hold. */
function checkInUse(world: ModelWorld): void {
  const mismatched = world.factory.resources
    .filter((resource) => world.pool.isInUse(resource) !== world.held.has(resource))
    .map((resource) => resource.id);
  expect(mismatched, 'isInUse(resource) is true exactly for the resources callers hold').toEqual([]);
}

/**
 * The reaper's bounds, one interval late at most: no resource stays idle past `hardIdleTimeoutMs`, at most `minIdle`
 * stay idle past `idleTimeoutMs`, and none stays idle past `maxLifetimeMs` of age.
 */
function checkExpiry(world: ModelWorld): void {
  const { hardIdleTimeoutMs, idleTimeoutMs, maxLifetimeMs, minIdle } = world.config;
  const shortestMs = Math.min(idleTimeoutMs, maxLifetimeMs, hardIdleTimeoutMs);
  if (shortestMs === Infinity) return;
  const reaperIntervalMs = Math.min(1_000, Math.max(10, shortestMs / 2));
  const idleTimesMs = world.idle.idleTimesMs();
  const pastHard = idleTimesMs.filter((idleMs) => idleMs > hardIdleTimeoutMs + reaperIntervalMs);
  expect(pastHard, 'no resource stays idle past hardIdleTimeoutMs (plus one reaper interval)').toEqual([]);
  const pastIdle = idleTimesMs.filter((idleMs) => idleMs > idleTimeoutMs + reaperIntervalMs);
  expect(pastIdle.length, 'at most minIdle resources stay idle past idleTimeoutMs (plus one reaper interval)').toBeLessThanOrEqual(
    minIdle,
  );
  const now = Date.now();
  const tooOld = world.idleResources().filter((resource) => now - resource.createdAtMs > maxLifetimeMs + reaperIntervalMs);
  expect(tooOld.map((resource) => resource.id), 'no idle resource outlives maxLifetimeMs (plus one reaper interval)').toEqual([]);
}

/**
 * Called after the clock moved: once the backoff delay after the last create failure has passed (its retry timer has
 * run), a waiter without a create, or a `minIdle` shortfall, means the pool is full or a create (the probe, while
 * backing off) is running: never `creating 0` with room and callers waiting. A close with a timeout has resolved
 * by its deadline, whatever the factory does.
 */
export function checkNoWaiterStarves(world: ModelWorld): void {
  if (Date.now() >= world.closeMustResolveByMs) expect(world.closeResolved, 'close({ timeoutMs }) resolved by its deadline').toBe(true);
  const stats = world.pool.stats();
  // A close({ serveWaiting }) still serves the callers queued before it: they must not starve either.
  if (world.isTornDown()) return;
  const maxDelayMs = world.config.createRetryDelayMs * 4;
  if (Date.now() <= world.lastCreateFailureAtMs() + maxDelayMs) return;
  const total = stats.idle + stats.inUse + stats.creating;
  // minIdle is refilled once nothing is being validated (a validation's outcome decides whether a resource returns).
  const minIdleShort = !world.isClosed && world.validatingInPool() === 0 && stats.idle + stats.creating < world.config.minIdle;
  const needsCreate = stats.waiting > stats.creating || minIdleShort;
  if (!needsCreate || total >= stats.size) return;
  expect(stats.creating, 'no caller waits (and minIdle is not short) while the pool has room and creates nothing').toBeGreaterThan(0);
}

function checkCounters(world: ModelWorld, stats: PoolStats): void {
  expect(stats.created, 'created counter').toBe(world.factory.resources.length);
  // A hung destroy counts as done (and as a destroy error) once it timed out or a close deadline gave it up.
  const now = Date.now();
  const hung = world.factory.hungDestroys;
  const deadlineOf = (destroy: HungDestroy): number => destroy.startedAtMs + world.config.destroyTimeoutMs;
  const hungSettledInTime = hung.filter((destroy) => !destroy.givenUp && destroy.settledAtMs < deadlineOf(destroy));
  const hungTimedOut = hung.filter((destroy) => destroy.givenUp || Math.min(destroy.settledAtMs, now) >= deadlineOf(destroy));
  const settled = world.factory.destroysSettled + hungSettledInTime.length;
  expect(stats.destroyed, 'destroyed counter').toBe(settled + hungTimedOut.length);
  const timeoutErrors = stats.destroyErrors - world.factory.destroyFailures;
  expect(timeoutErrors, 'destroyErrors counter: failures, then timeouts').toBe(hungTimedOut.length);
  const timeoutsReported = world.reportedErrors.filter((error) => error.code === 'DESTROY_TIMEOUT').length;
  expect(timeoutsReported, 'every destroy timeout is emitted').toBe(timeoutErrors);
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
