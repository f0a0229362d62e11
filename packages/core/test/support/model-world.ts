import { expect } from 'vitest';
import { createPool, PoolError, type Pool, type PoolStats } from '@pool/core';
import { ModelFactory, type ModelFactoryConfig, type ModelResource } from './model-factory.js';

/** Captured before any test fakes timers: one real macrotask turn drains every pending promise callback. */
const realSetImmediate = globalThis.setImmediate;

/** Lets every promise callback that is already due run (the fake clock does not move). */
export function flushMicrotasks(): Promise<void> {
  return new Promise<void>((resolve) => realSetImmediate(resolve));
}

/** One randomly drawn pool and factory setup. */
export interface ModelConfig extends ModelFactoryConfig {
  readonly size: number;
  readonly acquireTimeoutMs: number;
  readonly createTimeoutMs: number;
  readonly validateTimeoutMs: number;
  readonly closeOnError: boolean;
  readonly maxWaiting: number;
  readonly createRetryDelayMs: number;
}

/** One `acquire()` call as the model saw it. */
export interface AcquireRecord {
  readonly index: number;
  readonly startedAtMs: number;
  /** When its wait timer fires; `Infinity` when it has none. */
  readonly deadlineMs: number;
  readonly failsFast: boolean;
  readonly controller: AbortController | undefined;
  state: 'pending' | 'resolved' | 'rejected';
  resource: ModelResource | undefined;
  error: unknown;
  /** Its signal aborted while the model still saw it pending. */
  abortedWhilePending: boolean;
}

/**
 * The model: everything outside the pool (callers, what they hold, the factory's ledger, the fake clock) and the
 * checks that the pool's `stats()` and promises agree with it after every step.
 */
export class ModelWorld {
  readonly config: ModelConfig;
  readonly factory: ModelFactory;
  readonly pool: Pool<ModelResource>;
  readonly acquires: AcquireRecord[] = [];
  /** Who holds what: each resource at most once. */
  readonly held = new Map<ModelResource, AcquireRecord>();
  /** Broken promises seen by callbacks (served after giving up, held twice, ...); must stay empty. */
  readonly violations: string[] = [];
  readonly reportedErrors: PoolError[] = [];
  /** Resources held when a broken release with `closeOnError` retired them: destroyed when they come back. */
  readonly retired = new Set<ModelResource>();
  size: number;
  isClosed = false;
  closeResolved = false;
  served = 0;
  released = 0;
  timeouts = 0;

  constructor(config: ModelConfig) {
    this.config = config;
    this.size = config.size;
    this.factory = new ModelFactory(config, (resource) => this.held.has(resource));
    this.pool = createPool(this.factory.asFactory(), {
      size: config.size,
      acquireTimeoutMs: config.acquireTimeoutMs,
      createTimeoutMs: config.createTimeoutMs,
      validateTimeoutMs: config.validateTimeoutMs,
      closeOnError: config.closeOnError,
      maxWaiting: config.maxWaiting,
      createRetryDelayMs: config.createRetryDelayMs,
      createRetryMaxDelayMs: config.createRetryDelayMs * 4,
    });
    this.pool.on('error', (error) => this.reportedErrors.push(error));
  }

  /** Calls `acquire()` (with the pool's timeout, or `timeoutMs`) and records how it settles. */
  startAcquire(timeoutMs: number | undefined, withSignal: boolean): AcquireRecord {
    const controller = withSignal ? new AbortController() : undefined;
    const effectiveMs = timeoutMs ?? this.config.acquireTimeoutMs;
    const now = Date.now();
    const record: AcquireRecord = {
      index: this.acquires.length,
      startedAtMs: now,
      deadlineMs: effectiveMs === 0 ? Infinity : now + effectiveMs,
      failsFast: effectiveMs === 0,
      controller,
      state: 'pending',
      resource: undefined,
      error: undefined,
      abortedWhilePending: false,
    };
    this.acquires.push(record);
    const options = timeoutMs === undefined && controller === undefined ? undefined : { timeoutMs, signal: controller?.signal };
    this.pool.acquire(options).then(
      (resource) => this.#onServed(record, resource),
      (error: unknown) => this.#onRefused(record, error),
    );
    return record;
  }

  /**
   * Calls `release()` for a resource the model holds; the resource leaves the model's hands at once.
   * @returns a probe that says whether the release promise resolved (it must never reject).
   */
  release(resource: ModelResource, broken: boolean): { resolved: boolean } {
    const probe = { resolved: false };
    this.held.delete(resource);
    if (broken) resource.broken = true;
    this.released++;
    this.pool.release(resource).then(
      () => {
        probe.resolved = true;
      },
      (error: unknown) => this.violations.push(`release of held resource ${resource.id} rejected: ${String(error)}`),
    );
    return probe;
  }

  /** Calls `close()` and records when it resolves. */
  startClose(): void {
    this.isClosed = true;
    this.pool.close().then(
      () => {
        this.closeResolved = true;
      },
      (error: unknown) => this.violations.push(`close() rejected: ${String(error)}`),
    );
  }

  pendingAcquires(): AcquireRecord[] {
    return this.acquires.filter((record) => record.state === 'pending');
  }

  /** Validations the pool still waits for: unanswered and not past `validateTimeoutMs`. */
  validatingInPool(): number {
    const now = Date.now();
    return this.factory
      .unsettledValidates()
      .filter((validate) => now < validate.startedAtMs + this.config.validateTimeoutMs).length;
  }

  /** The checks made after every step. */
  checkInvariants(): void {
    expect(this.violations, 'promises kept').toEqual([]);
    expect(this.factory.violations, 'factory used correctly').toEqual([]);
    const stats = this.pool.stats();
    const validating = this.validatingInPool();
    const pending = this.pendingAcquires();
    expect(stats.idle + stats.inUse + stats.creating, 'idle + inUse + creating <= max(size, inUse)').toBeLessThanOrEqual(
      Math.max(stats.size, stats.inUse),
    );
    expect(stats.size, 'size').toBe(this.size);
    expect(stats.inUse, 'inUse counts the held resources and those being validated').toBeGreaterThanOrEqual(this.held.size);
    expect(stats.inUse, 'inUse counts the held resources and those being validated').toBeLessThanOrEqual(
      this.held.size + validating,
    );
    expect(this.factory.liveResources().length, 'every live resource is idle or in use (held or being validated)').toBe(
      stats.idle + stats.inUse,
    );
    expect(stats.waiting, 'waiting counts the pending callers not being validated').toBeLessThanOrEqual(pending.length);
    expect(stats.waiting, 'waiting counts the pending callers not being validated').toBeGreaterThanOrEqual(
      pending.length - validating,
    );
    expect(stats.creating, 'creating <= creates the factory still runs').toBeLessThanOrEqual(this.#runningCreates());
    if (stats.waiting > 0) expect(stats.idle, 'no caller waits beside an idle resource').toBe(0);
    for (const resource of this.held.keys()) expect(resource.destroyCount, `held resource ${resource.id} is live`).toBe(0);
    const overdue = pending.filter((record) => record.deadlineMs <= Date.now()).map((record) => record.index);
    expect(overdue, 'no acquire outlives its timeout').toEqual([]);
    this.#checkCounters(stats);
    if (this.isClosed) this.#checkClosed(stats, pending.length, validating);
  }

  #checkCounters(stats: PoolStats): void {
    expect(stats.created, 'created counter').toBe(this.factory.resources.length);
    expect(stats.destroyed, 'destroyed counter').toBe(this.factory.destroysSettled);
    expect(stats.destroyErrors, 'destroyErrors counter').toBe(this.factory.destroyFailures);
    expect(stats.acquired, 'acquired counter').toBe(this.served);
    expect(stats.released, 'released counter').toBe(this.released);
    expect(stats.timeouts, 'timeouts counter').toBe(this.timeouts);
    const destroyErrorsReported = this.reportedErrors.filter((error) => error.code === 'DESTROY_FAILED').length;
    expect(destroyErrorsReported, 'every destroy error is emitted').toBe(this.factory.destroyFailures);
  }

  #checkClosed(stats: PoolStats, pending: number, validating: number): void {
    expect(stats.waiting, 'a closed pool has no waiters').toBe(0);
    expect(stats.idle, 'a closed pool keeps no idle resource').toBe(0);
    expect(stats.creating, 'a closed pool runs no create').toBe(0);
    expect(pending, 'after close only callers being validated are pending').toBeLessThanOrEqual(validating);
  }

  /** Creates the factory has not finished: deferred ones not yet settled. */
  #runningCreates(): number {
    return this.factory.unsettledCreates().length;
  }

  #onServed(record: AcquireRecord, resource: ModelResource): void {
    const label = `acquire #${record.index}`;
    record.state = 'resolved';
    record.resource = resource;
    this.served++;
    if (this.isClosed) this.violations.push(`${label} was served after close()`);
    if (record.abortedWhilePending) this.violations.push(`${label} was served after its signal aborted`);
    if (Date.now() > record.deadlineMs) this.violations.push(`${label} was served after its timeout`);
    if (!this.factory.resources.includes(resource)) this.violations.push(`${label} got a resource the factory never made`);
    else if (resource.destroyCount > 0) this.violations.push(`${label} got destroyed resource ${resource.id}`);
    const holder = this.held.get(resource);
    if (holder !== undefined) this.violations.push(`${label} got resource ${resource.id}, held by acquire #${holder.index}`);
    this.held.set(resource, record);
  }

  #onRefused(record: AcquireRecord, error: unknown): void {
    const label = `acquire #${record.index}`;
    record.state = 'rejected';
    record.error = error;
    if (!(error instanceof PoolError)) {
      this.violations.push(`${label} rejected with a non-PoolError: ${String(error)}`);
      return;
    }
    if (error.code === 'ACQUIRE_TIMEOUT') this.timeouts++;
    if (record.abortedWhilePending && error.code !== 'ACQUIRE_ABORTED') {
      this.violations.push(`${label} aborted but rejected with ${error.code}`);
    }
    if (error.code === 'ACQUIRE_TIMEOUT' && Date.now() < record.deadlineMs) {
      this.violations.push(`${label} timed out early`);
    }
    if (error.code === 'POOL_CLOSED' && !this.isClosed) this.violations.push(`${label} got POOL_CLOSED on an open pool`);
  }
}
