import { vi } from 'vitest';
import type { PoolStats } from '@pool/core';
import { TestFactory, deferred, flush, type Deferred, type TestResource } from './test-factory.js';

/**
 * Fakes the clock the pool reads (`setTimeout`, `setInterval`, `Date`) but keeps `setImmediate` real, so
 * {@link flush} still lets promise callbacks run while simulated time stands still.
 */
export function useFakeClock(): void {
  vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'setInterval', 'clearInterval', 'Date'] });
}

/** A {@link TestFactory} whose destroys can be held open and whose create calls are counted. */
export class ControlledFactory extends TestFactory {
  /** Each destroy waits for the next gate in this list, when there is one. */
  readonly destroyGates: Deferred<void>[] = [];
  /** Calls to `create()`, whether they succeed or not. */
  createCalls = 0;

  override create(signal?: AbortSignal): Promise<TestResource> {
    this.createCalls++;
    return super.create(signal);
  }

  override async destroy(resource: TestResource): Promise<void> {
    const gate = this.destroyGates.shift();
    if (gate !== undefined) await gate.promise;
    return super.destroy(resource);
  }

  /** Holds the next create open until the returned gate is resolved. */
  holdNextCreate(): Deferred<void> {
    const gate = deferred<void>();
    this.createGates.push(gate);
    return gate;
  }

  /** The resources created and not destroyed yet. */
  alive(): TestResource[] {
    return this.created.filter((resource) => resource.alive);
  }
}

/** A {@link ControlledFactory} with `validate()`: it answers `validation(resource)`, or true when unset. */
export class ValidatingFactory extends ControlledFactory {
  /** Calls to `validate()`, with the resource each one checked. */
  readonly validated: TestResource[] = [];

  validate(resource: TestResource): boolean | Promise<boolean> {
    this.validated.push(resource);
    return this.validation === undefined ? true : this.validation(resource);
  }
}

/**
 * The pool's invariant: `idle + inUse + creating <= size`, except after a shrink, when only resources in use and
 * creates that callers wait for may keep the total above the size (never an idle resource).
 */
export function withinLimit(stats: PoolStats): boolean {
  const total = stats.idle + stats.inUse + stats.creating;
  return total <= stats.size || (stats.idle === 0 && stats.creating <= stats.waiting);
}

/** Where a promise stands after pending callbacks ran; attaches a handler, so a rejection is never unhandled. */
export async function stateOf(promise: Promise<unknown>): Promise<'pending' | 'fulfilled' | 'rejected'> {
  let state: 'pending' | 'fulfilled' | 'rejected' = 'pending';
  promise.then(
    () => {
      state = 'fulfilled';
    },
    () => {
      state = 'rejected';
    },
  );
  await flush();
  return state;
}

/** Captures a promise's rejection (fails if it fulfils), so the error can be inspected field by field. */
export async function rejectionOf(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error('expected a rejection, got a fulfilment');
}

export { TestFactory, deferred, flush };
export type { Deferred, TestResource };
