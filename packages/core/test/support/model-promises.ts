import { PoolError } from '@pool/core';
import type { ModelResource } from './model-factory.js';
import type { AcquireRecord, ModelWorld } from './model-world.js';

/*
 * The promises an acquire makes, checked when it settles: a broken one is recorded in `world.violations`, which every
 * step's invariant check requires to be empty.
 */

/** The caller's acquire resolved: served at most once, in time, with a live resource nobody else holds. */
export function recordServed(world: ModelWorld, record: AcquireRecord, resource: ModelResource): void {
  const label = `acquire #${record.index}`;
  record.state = 'resolved';
  record.resource = resource;
  world.served++;
  if (world.isClosed && !world.isOwedByClose(record, true)) world.violations.push(`${label} was served after close()`);
  if (record.abortedWhilePending) world.violations.push(`${label} was served after its signal aborted`);
  if (Date.now() > record.deadlineMs) world.violations.push(`${label} was served after its timeout`);
  if (!world.factory.resources.includes(resource)) world.violations.push(`${label} got a resource the factory never made`);
  else if (resource.destroyCount > 0) world.violations.push(`${label} got destroyed resource ${resource.id}`);
  const holder = world.held.get(resource);
  if (holder !== undefined) world.violations.push(`${label} got resource ${resource.id}, held by acquire #${holder.index}`);
  world.held.set(resource, record);
}

/** The caller's acquire rejected: a `PoolError` whose code fits what happened to it. */
export function recordRefused(world: ModelWorld, record: AcquireRecord, error: unknown): void {
  const label = `acquire #${record.index}`;
  record.state = 'rejected';
  record.error = error;
  if (!(error instanceof PoolError)) {
    world.violations.push(`${label} rejected with a non-PoolError: ${String(error)}`);
    return;
  }
  if (error.code === 'ACQUIRE_TIMEOUT') world.timeouts++;
  if (record.abortedWhilePending && error.code !== 'ACQUIRE_ABORTED') {
    world.violations.push(`${label} aborted but rejected with ${error.code}`);
  }
  if (error.code === 'ACQUIRE_TIMEOUT' && Date.now() < record.deadlineMs) {
    world.violations.push(`${label} timed out early`);
  }
  if (error.code === 'ACQUIRE_TIMEOUT' && error.cause !== undefined && world.lastCreateFailureAtMs() < record.startedAtMs) {
    world.violations.push(`${label} timed out with a create error from before its wait as cause`);
  }
  if (error.code === 'POOL_EXHAUSTED' && record.admitted) {
    world.violations.push(`${label} was admitted (its create started) and then failed with POOL_EXHAUSTED`);
  }
  if (error.code === 'CREATE_TIMEOUT' && !world.someCreateOutlived()) {
    world.violations.push(`${label} got CREATE_TIMEOUT while no create had run for createTimeoutMs`);
  }
  if (error.code === 'POOL_CLOSED' && !world.isClosed) world.violations.push(`${label} got POOL_CLOSED on an open pool`);
  if (error.code === 'POOL_CLOSED' && world.isOwedByClose(record)) {
    world.violations.push(`${label} was queued before close({ serveWaiting }) and got POOL_CLOSED before its deadline`);
  }
  const isCreateError = error.code === 'CREATE_FAILED' || error.code === 'CREATE_TIMEOUT';
  if (isCreateError && !record.failsFast && !world.config.propagateCreateError) {
    world.violations.push(`${label} waits (propagateCreateError: false) but a create failure rejected it`);
  }
}
