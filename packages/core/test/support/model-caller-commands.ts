import type fc from 'fast-check';
import { expect } from 'vitest';
import { PoolError, type Pool, type PoolStats } from '@pool/core';
import type { ModelResource } from './model-factory.js';
import { flushMicrotasks, settlementOf, type AcquireRecord, type ModelWorld } from './model-world.js';

/** A step of the model test: `run` acts on the pool, lets due callbacks run, then checks every invariant. */
export type ModelCommand = fc.AsyncCommand<ModelWorld, Pool<ModelResource>>;

function codeOf(record: AcquireRecord): string | undefined {
  return record.state === 'rejected' && record.error instanceof PoolError ? record.error.code : undefined;
}

function total(stats: PoolStats): number {
  return stats.idle + stats.inUse + stats.creating;
}

/** `acquire()` with the pool's timeout or its own (0 = fail fast), optionally with an `AbortSignal`. */
export class AcquireCommand implements ModelCommand {
  constructor(
    readonly timeoutMs: number | undefined,
    readonly withSignal: boolean,
  ) {}

  check(): boolean {
    return true;
  }

  async run(world: ModelWorld): Promise<void> {
    const before = world.pool.stats();
    const record = world.startAcquire(this.timeoutMs, this.withSignal);
    await flushMicrotasks();
    record.admitted = record.failsFast && record.state === 'pending';
    const code = codeOf(record);
    const full = before.idle === 0 && total(before) >= before.size;
    if (world.isClosed) {
      expect(code, 'an acquire on a closed pool fails with POOL_CLOSED').toBe('POOL_CLOSED');
    } else if (record.failsFast) {
      expect(code === 'POOL_EXHAUSTED', 'a fail-fast acquire is refused exactly when the pool is full').toBe(full);
    } else {
      const queueFull = full && before.waiting >= world.config.maxWaiting;
      if (queueFull) expect(code, 'a waiting acquire past maxWaiting fails with QUEUE_FULL').toBe('QUEUE_FULL');
      if (code === 'QUEUE_FULL') expect(before.waiting, 'QUEUE_FULL only at maxWaiting').toBeGreaterThanOrEqual(world.config.maxWaiting);
    }
    world.checkInvariants();
  }

  toString(): string {
    return `acquire(${this.timeoutMs === undefined ? 'default' : String(this.timeoutMs)}${this.withSignal ? ', signal' : ''})`;
  }
}

/** Aborts the signal of an acquire: a pending one must reject, a settled one must not change anything. */
export class AbortCommand implements ModelCommand {
  constructor(readonly pick: number) {}

  #candidates(world: Readonly<ModelWorld>): AcquireRecord[] {
    return world.acquires.filter((record) => record.controller !== undefined && !record.controller.signal.aborted);
  }

  check(world: Readonly<ModelWorld>): boolean {
    return this.#candidates(world).length > 0;
  }

  async run(world: ModelWorld): Promise<void> {
    const candidates = this.#candidates(world);
    const record = candidates[this.pick % candidates.length] as AcquireRecord;
    const wasPending = record.state === 'pending';
    record.abortedWhilePending = wasPending;
    const before = world.pool.stats();
    record.controller?.abort(new Error('model: caller gave up'));
    await flushMicrotasks();
    if (wasPending) {
      expect(codeOf(record), 'an aborted pending acquire rejects with ACQUIRE_ABORTED').toBe('ACQUIRE_ABORTED');
    } else {
      expect(world.pool.stats(), 'aborting a settled acquire changes nothing').toEqual(before);
    }
    world.checkInvariants();
  }

  toString(): string {
    return `abort(${this.pick})`;
  }
}

/** Releases a held resource, healthy or broken (`isBroken` true), or one a `close({ timeoutMs })` took away. */
export class ReleaseCommand implements ModelCommand {
  constructor(
    readonly pick: number,
    readonly broken: boolean,
  ) {}

  check(world: Readonly<ModelWorld>): boolean {
    return world.held.size + world.forceDestroyed.size > 0;
  }

  async run(world: ModelWorld): Promise<void> {
    const holdings = [...world.held.keys(), ...world.forceDestroyed];
    const resource = holdings[this.pick % holdings.length] as ModelResource;
    if (world.forceDestroyed.delete(resource)) await this.#releaseLate(world, resource);
    else await this.#release(world, resource);
    world.checkInvariants();
  }

  async #releaseLate(world: ModelWorld, resource: ModelResource): Promise<void> {
    const before = world.pool.stats();
    const released = settlementOf(world.pool.release(resource));
    await flushMicrotasks();
    expect(released.state, 'a late release after a close timeout is accepted').toBe('resolved');
    expect(world.pool.stats(), 'a late release after a close timeout changes nothing').toEqual(before);
  }

  async #release(world: ModelWorld, resource: ModelResource): Promise<void> {
    const before = world.pool.stats();
    const closeOnError = world.pool.closeOnError;
    const wasRetired = world.retired.delete(resource);
    const othersHeld = [...world.held.keys()].filter((other) => other !== resource);
    const idleBefore = world.idleResources();
    // Without validation every pending caller sits in the queue, so the oldest one is next in line.
    const oldestWaiter = world.config.withValidate ? undefined : world.pendingAcquires()[0];
    const probe = world.release(resource, this.broken);
    await flushMicrotasks();
    if (world.factory.unsettledDestroys().length === 0) {
      expect(probe.resolved, 'release of a held resource resolves once its destroy settled').toBe(true);
    }
    const destroyed = resource.destroyCount > 0;
    const expired = Date.now() - resource.createdAtMs >= world.config.maxLifetimeMs;
    if (this.broken) {
      expect(destroyed, 'a broken resource is destroyed on release').toBe(true);
      if (closeOnError && !world.isClosed) {
        const kept = idleBefore.filter((other) => other.destroyCount === 0).map((other) => other.id);
        expect(kept, 'closeOnError: a broken release destroys every idle resource').toEqual([]);
        for (const other of othersHeld) world.retired.add(other);
      }
    } else if (wasRetired) {
      expect(destroyed, 'a retired resource is destroyed on release').toBe(true);
    } else if (world.isClosed || total(before) > before.size || expired) {
      expect(destroyed, 'a release over the size, past maxLifetimeMs or after close destroys the resource').toBe(true);
    } else {
      expect(destroyed, 'a healthy release within the size keeps the resource').toBe(false);
      if (oldestWaiter !== undefined) {
        expect(oldestWaiter.resource?.id, 'a released resource goes to the oldest waiter').toBe(resource.id);
      }
    }
  }

  toString(): string {
    return `release(${this.pick}${this.broken ? ', broken' : ''})`;
  }
}

/** Releases a resource nobody holds (released before, never handed out, or foreign): rejected, nothing changes. */
export class InvalidReleaseCommand implements ModelCommand {
  constructor(
    readonly pick: number,
    readonly foreign: boolean,
  ) {}

  #candidates(world: Readonly<ModelWorld>): ModelResource[] {
    return world.factory.resources.filter((resource) => !world.held.has(resource) && !world.everForceDestroyed.has(resource));
  }

  check(world: Readonly<ModelWorld>): boolean {
    return this.foreign || this.#candidates(world).length > 0;
  }

  async run(world: ModelWorld): Promise<void> {
    await flushMicrotasks();
    const candidates = this.#candidates(world);
    const resource = this.foreign
      ? { id: -1, createdAtMs: 0, broken: false, destroyCount: 0 }
      : (candidates[this.pick % candidates.length] as ModelResource);
    const before = world.pool.stats();
    const released = settlementOf(world.pool.release(resource));
    await flushMicrotasks();
    expect(released.error, 'an invalid release rejects with RELEASE_INVALID').toMatchObject({ code: 'RELEASE_INVALID' });
    expect(world.pool.stats(), 'an invalid release changes nothing').toEqual(before);
    world.checkInvariants();
  }

  toString(): string {
    return this.foreign ? 'releaseForeign()' : `releaseUnheld(${this.pick})`;
  }
}

/** `resize(n)` or the `size` setter. */
export class ResizeCommand implements ModelCommand {
  constructor(
    readonly size: number,
    readonly viaSetter: boolean,
  ) {}

  check(): boolean {
    return true;
  }

  async run(world: ModelWorld, pool: Pool<ModelResource>): Promise<void> {
    if (world.isClosed) {
      if (this.viaSetter) {
        expect(() => (pool.size = this.size), 'the size setter of a closed pool throws').toThrow(
          expect.objectContaining({ code: 'POOL_CLOSED' }),
        );
      } else {
        const resized = settlementOf(pool.resize(this.size));
        await flushMicrotasks();
        expect(resized.error, 'resize of a closed pool rejects').toMatchObject({ code: 'POOL_CLOSED' });
      }
    } else {
      world.size = this.size;
      if (this.viaSetter) {
        pool.size = this.size;
        await flushMicrotasks();
      } else {
        const resized = settlementOf(pool.resize(this.size));
        await flushMicrotasks();
        if (world.factory.unsettledDestroys().length === 0) {
          expect(resized.state, 'resize resolves once the surplus idle resources are destroyed').toBe('resolved');
        }
      }
    }
    world.checkInvariants();
  }

  toString(): string {
    return this.viaSetter ? `size = ${this.size}` : `resize(${this.size})`;
  }
}

/** Flips `closeOnError`. */
export class ToggleCloseOnErrorCommand implements ModelCommand {
  check(): boolean {
    return true;
  }

  async run(world: ModelWorld, pool: Pool<ModelResource>): Promise<void> {
    const next = !pool.closeOnError;
    pool.closeOnError = next;
    expect(pool.closeOnError).toBe(next);
    await flushMicrotasks();
    world.checkInvariants();
  }

  toString(): string {
    return 'toggleCloseOnError()';
  }
}

/**
 * `close()` in the middle of the run, optionally with a timeout after which held resources are destroyed; later
 * commands keep going against the closed pool.
 */
export class CloseCommand implements ModelCommand {
  constructor(readonly timeoutMs: number | undefined) {}

  check(world: Readonly<ModelWorld>): boolean {
    return !world.isClosed;
  }

  async run(world: ModelWorld): Promise<void> {
    world.startClose(this.timeoutMs);
    await flushMicrotasks();
    world.checkInvariants();
  }

  toString(): string {
    return this.timeoutMs === undefined ? 'close()' : `close({ timeoutMs: ${this.timeoutMs} })`;
  }
}
