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

/**
 * `acquire()` with the pool's timeout or its own (0 = fail fast), optionally with an `AbortSignal` and a priority
 * (modulo the run's `priorityRange`).
 */
export class AcquireCommand implements ModelCommand {
  constructor(
    readonly timeoutMs: number | undefined,
    readonly withSignal: boolean,
    readonly priority?: number,
  ) {}

  check(): boolean {
    return true;
  }

  async run(world: ModelWorld): Promise<void> {
    const before = world.pool.stats();
    const expectedStep = world.idle.nextStep(world.config.idleOrder);
    const record = world.startAcquire(this.timeoutMs, this.withSignal, this.priority);
    await flushMicrotasks();
    if (before.waiting === 0 && before.idle > 0 && !world.isClosed) checkIdleOrder(world, record, expectedStep);
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
    const priority = this.priority === undefined ? '' : `, priority ${this.priority}`;
    return `acquire(${this.timeoutMs === undefined ? 'default' : String(this.timeoutMs)}${this.withSignal ? ', signal' : ''}${priority})`;
  }
}

/**
 * An acquire served from idle takes the resource `idleOrder` names: the one that went idle last ('lifo') or first
 * ('fifo'). Checked only where the first idle resource it takes is the one served: no expiry, no validation.
 */
function checkIdleOrder(world: ModelWorld, record: AcquireRecord, expectedStep: number | undefined): void {
  const { idleTimeoutMs, maxLifetimeMs, hardIdleTimeoutMs, idleOrder } = world.config;
  const expires = idleTimeoutMs !== Infinity || maxLifetimeMs !== Infinity || hardIdleTimeoutMs !== Infinity;
  if (world.validatesOnAcquire() || expires) return;
  const resource = record.resource;
  expect(resource, 'an acquire with an idle resource and nobody waiting is served at once').toBeDefined();
  if (resource === undefined) return;
  const servedStep = world.idle.sightingOf(resource)?.step;
  expect(servedStep, `idleOrder '${idleOrder}': the idle resource that went idle ${idleOrder === 'fifo' ? 'first' : 'last'}`).toBe(
    expectedStep,
  );
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
    // Without validation on acquire every pending caller sits in the queue: the oldest of the highest level is next.
    const nextInLine = world.nextInLine();
    const tornDown = world.isTornDown();
    const probe = world.release(resource, this.broken);
    await flushMicrotasks();
    const validating = world.isBeingValidated(resource);
    if (world.factory.unsettledDestroys().length === 0 && !validating) {
      expect(probe.resolved, 'release of a held resource resolves once its destroy (or validation) settled').toBe(true);
    }
    const destroyed = resource.destroyCount > 0;
    // validateOnRelease: the validation this release started (none when an earlier branch below destroys the resource).
    const verdict = world.validatesOnRelease() ? world.lastValidationOf(resource) : undefined;
    const expired = Date.now() - resource.createdAtMs >= world.config.maxLifetimeMs;
    if (this.broken) {
      expect(destroyed, 'a broken resource is destroyed on release').toBe(true);
      if (closeOnError && !tornDown) {
        const kept = idleBefore.filter((other) => other.destroyCount === 0).map((other) => other.id);
        expect(kept, 'closeOnError: a broken release destroys every idle resource').toEqual([]);
        for (const other of othersHeld) world.retired.add(other);
      }
    } else if (wasRetired) {
      expect(destroyed, 'a retired resource is destroyed on release').toBe(true);
    } else if (tornDown || total(before) > before.size || expired) {
      expect(destroyed, 'a release over the size, past maxLifetimeMs or after close destroys the resource').toBe(true);
    } else if (validating) {
      expect(destroyed, 'validateOnRelease: the resource is kept until the verdict').toBe(false);
      expect(probe.resolved, 'validateOnRelease: release() resolves once the verdict is in').toBe(false);
    } else if (verdict !== undefined && verdict.settled && !verdict.valid) {
      expect(destroyed, 'validateOnRelease: a resource found invalid is destroyed').toBe(true);
    } else if (verdict === undefined || verdict.settled) {
      expect(destroyed, 'a healthy release within the size keeps the resource').toBe(false);
      if (nextInLine !== undefined) {
        expect(
          nextInLine.resource?.id,
          `a released resource goes to the oldest waiter of the highest priority (#${nextInLine.index}, priority ${nextInLine.priority})`,
        ).toBe(resource.id);
      }
    }
  }

  toString(): string {
    return `release(${this.pick}${this.broken ? ', broken' : ''})`;
  }
}

/**
 * `destroy()` of a held resource (the caller knows it is broken): destroyed at once, counted as released, no longer in
 * use; a waiter or `minIdle` gets the freed slot. After a close timeout took it away, the call is accepted quietly.
 */
export class DestroyCommand implements ModelCommand {
  constructor(readonly pick: number) {}

  check(world: Readonly<ModelWorld>): boolean {
    return world.held.size + world.forceDestroyed.size > 0;
  }

  async run(world: ModelWorld): Promise<void> {
    const holdings = [...world.held.keys(), ...world.forceDestroyed];
    const resource = holdings[this.pick % holdings.length] as ModelResource;
    if (world.forceDestroyed.delete(resource)) {
      const before = world.pool.stats();
      const destroyed = settlementOf(world.pool.destroy(resource));
      await flushMicrotasks();
      expect(destroyed.state, 'a late destroy after a close timeout is accepted').toBe('resolved');
      expect(world.pool.stats(), 'a late destroy after a close timeout changes nothing').toEqual(before);
    } else {
      expect(world.pool.isInUse(resource), 'isInUse: a held resource is in use').toBe(true);
      const probe = world.destroy(resource);
      await flushMicrotasks();
      expect(resource.destroyCount, 'destroy() destroys the held resource at once, never reuses it').toBe(1);
      expect(world.pool.isInUse(resource), 'isInUse: a destroyed resource is not in use').toBe(false);
      if (world.factory.unsettledDestroys().length === 0) {
        expect(probe.resolved, 'destroy() resolves once the factory destroy settled').toBe(true);
      }
    }
    world.checkInvariants();
  }

  toString(): string {
    return `destroy(${this.pick})`;
  }
}

/** Gives back a resource nobody holds (released before, never handed out, or foreign): rejected, nothing changes. */
export class InvalidReleaseCommand implements ModelCommand {
  constructor(
    readonly pick: number,
    readonly foreign: boolean,
    /** Through `destroy()` instead of `release()`. */
    readonly viaDestroy = false,
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
    const released = settlementOf(this.viaDestroy ? world.pool.destroy(resource) : world.pool.release(resource));
    await flushMicrotasks();
    expect(released.error, 'an invalid release or destroy rejects with RELEASE_INVALID').toMatchObject({ code: 'RELEASE_INVALID' });
    expect(world.pool.stats(), 'an invalid release or destroy changes nothing').toEqual(before);
    world.checkInvariants();
  }

  toString(): string {
    const verb = this.viaDestroy ? 'destroy' : 'release';
    return this.foreign ? `${verb}Foreign()` : `${verb}Unheld(${this.pick})`;
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
  constructor(
    readonly timeoutMs: number | undefined,
    readonly serveWaiting = false,
  ) {}

  check(world: Readonly<ModelWorld>): boolean {
    return !world.isClosed;
  }

  async run(world: ModelWorld): Promise<void> {
    const queued = world.pendingAcquires();
    world.startClose(this.timeoutMs, this.serveWaiting);
    await flushMicrotasks();
    if (this.serveWaiting && this.timeoutMs !== 0) {
      const rejected = queued.filter((record) => codeOf(record) === 'POOL_CLOSED').map((record) => record.index);
      expect(rejected, 'close({ serveWaiting }) rejects none of the callers already queued').toEqual([]);
    }
    world.checkInvariants();
  }

  toString(): string {
    const options = [
      ...(this.timeoutMs === undefined ? [] : [`timeoutMs: ${this.timeoutMs}`]),
      ...(this.serveWaiting ? ['serveWaiting: true'] : []),
    ];
    return options.length === 0 ? 'close()' : `close({ ${options.join(', ')} })`;
  }
}
