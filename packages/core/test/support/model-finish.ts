import { expect, vi } from 'vitest';
import { checkNoWaiterStarves } from './model-invariants.js';
import { flushMicrotasks, settlementOf, type ModelWorld } from './model-world.js';

const MAX_ROUNDS = 40;
const ROUND_MS = 200;

/** One round of a healthy world: every create succeeds, every validation passes, every holder gives back. */
async function settleEverything(world: ModelWorld): Promise<void> {
  world.factory.createMode = 'async';
  world.factory.validateMode = 'valid';
  world.factory.destroyMode = 'async';
  for (const create of world.factory.unsettledCreates()) world.factory.settleCreate(create, true);
  for (const destroy of world.factory.unsettledDestroys()) world.factory.settleDestroy(destroy);
  for (const validate of world.factory.unsettledValidates()) world.factory.settleValidate(validate, true);
  await flushMicrotasks();
  for (const resource of [...world.held.keys()]) world.release(resource, false);
  const lateReleases = [...world.forceDestroyed].map((resource) => settlementOf(world.pool.release(resource)));
  world.forceDestroyed.clear();
  await vi.advanceTimersByTimeAsync(ROUND_MS);
  world.onClockMoved();
  await flushMicrotasks();
  const refused = lateReleases.filter((release) => release.state !== 'resolved');
  expect(refused, 'a late release after a close timeout is accepted').toEqual([]);
  world.checkInvariants();
  checkNoWaiterStarves(world);
}

/**
 * Liveness on an open pool: once the factory is healthy and holders give back what they get, every caller still
 * waiting is served (or times out) within a bounded number of rounds.
 */
export async function drainOpenPool(world: ModelWorld): Promise<void> {
  for (let round = 0; round < MAX_ROUNDS && !world.isClosed; round++) {
    if (round > 0 && world.pendingAcquires().length === 0 && world.held.size === 0) break;
    await settleEverything(world);
  }
  if (world.isClosed) return;
  expect(
    world.pendingAcquires().map((record) => record.index),
    'every waiter is served once the factory is healthy and holders release',
  ).toEqual([]);
}

/**
 * `close()` (unless a command already did), then finish every factory call and release every holding: the close
 * resolves, every created resource is destroyed exactly once and no timer outlives the pool.
 */
export async function closeAndAudit(world: ModelWorld): Promise<void> {
  if (!world.isClosed) world.startClose(world.config.finalCloseTimeoutMs, world.config.finalCloseServeWaiting);
  if (world.closeMustResolveByMs !== Infinity) {
    // A bounded close resolves by its deadline whatever the factory does: nothing is settled or released first.
    await vi.advanceTimersByTimeAsync(Math.max(0, world.closeMustResolveByMs - Date.now()));
    world.onClockMoved();
    await flushMicrotasks();
    await flushMicrotasks();
    expect(world.closeResolved, 'close({ timeoutMs }) resolves by its deadline, whatever the factory does').toBe(true);
  }
  for (let round = 0; round < MAX_ROUNDS && !world.closeResolved; round++) await settleEverything(world);
  expect(world.closeResolved, 'close() resolves once every holder released').toBe(true);
  // Factory calls a close deadline gave up finish now; a late create's result is destroyed.
  await settleEverything(world);
  const stats = world.pool.stats();
  expect(stats, 'a closed pool is empty').toMatchObject({ idle: 0, inUse: 0, creating: 0, waiting: 0 });
  expect(stats.destroyed, 'after close(), created === destroyed').toBe(stats.created);
  const destroyCounts = world.factory.resources.filter((resource) => resource.destroyCount !== 1);
  expect(destroyCounts, 'every created resource is destroyed exactly once').toEqual([]);
  expect(world.pendingAcquires(), 'no acquire is left pending').toEqual([]);
  expect(vi.getTimerCount(), 'no timer outlives close()').toBe(0);
}
