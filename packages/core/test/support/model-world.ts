import { createPool, type PoolError, type Pool } from '@pool/core';
import { ModelFactory, type ModelFactoryConfig, type ModelResource, type ValidateCall } from './model-factory.js';
import { IdleLedger } from './model-idle.js';
import { checkInvariants } from './model-invariants.js';
import { recordRefused, recordServed } from './model-promises.js';

/** Captured before any test fakes timers: one real macrotask turn drains every pending promise callback. */
const realSetImmediate = globalThis.setImmediate;

/** Lets every promise callback that is already due run (the fake clock does not move). */
export function flushMicrotasks(): Promise<void> {
  return new Promise<void>((resolve) => realSetImmediate(resolve));
}

/** How a promise settled, readable synchronously after a flush. */
export interface Settlement {
  state: 'pending' | 'resolved' | 'rejected';
  error: unknown;
}

/**
 * Follows a promise of the pool without awaiting it, so a promise that never settles fails a check instead of
 * hanging the run.
 */
export function settlementOf(promise: Promise<unknown>): Settlement {
  const settlement: Settlement = { state: 'pending', error: undefined };
  promise.then(
    () => {
      settlement.state = 'resolved';
    },
    (error: unknown) => {
      settlement.state = 'rejected';
      settlement.error = error;
    },
  );
  return settlement;
}

/** One randomly drawn pool and factory setup. */
export interface ModelConfig extends ModelFactoryConfig {
  readonly size: number;
  readonly acquireTimeoutMs: number;
  readonly createTimeoutMs: number;
  readonly validateTimeoutMs: number;
  readonly destroyTimeoutMs: number;
  /** The close at the end of a run: `undefined` waits for everything, a number bounds it. */
  readonly finalCloseTimeoutMs: number | undefined;
  readonly closeOnError: boolean;
  readonly maxWaiting: number;
  readonly createRetryDelayMs: number;
  readonly minIdle: number;
  readonly leakDetectionMs: number;
  readonly idleTimeoutMs: number;
  readonly maxLifetimeMs: number;
  readonly hardIdleTimeoutMs: number;
  readonly priorityRange: number;
  readonly validateOnAcquire: boolean;
  readonly validateOnRelease: boolean;
  readonly propagateCreateError: boolean;
  readonly idleOrder: 'lifo' | 'fifo';
  /** The close at the end of a run serves the callers still queued first (the open pool is not drained before). */
  readonly finalCloseServeWaiting: boolean;
}

/** One `acquire()` call as the model saw it. */
export interface AcquireRecord {
  readonly index: number;
  readonly startedAtMs: number;
  /** When its wait timer fires; `Infinity` when it has none. */
  readonly deadlineMs: number;
  readonly failsFast: boolean;
  /** Its priority level (0 is served first); 0 when the call gave none. */
  readonly priority: number;
  readonly controller: AbortController | undefined;
  state: 'pending' | 'resolved' | 'rejected';
  resource: ModelResource | undefined;
  error: unknown;
  /** Its signal aborted while the model still saw it pending. */
  abortedWhilePending: boolean;
  /** A fail-fast acquire still pending after its call: its create started, so no shrink may fail it. */
  admitted: boolean;
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
  /** Resources a `close({ timeoutMs })` destroyed while callers still held them. */
  readonly forceDestroyed = new Set<ModelResource>();
  /** Every resource ever taken away by a close timeout: the pool accepts its release quietly, any number of times. */
  readonly everForceDestroyed = new Set<ModelResource>();
  /** When the pending `close({ timeoutMs })` destroys what is still held; `Infinity` when it never will. */
  closeDeadlineMs = Infinity;
  /** When a `close({ timeoutMs })` must have resolved, whatever the factory does; `Infinity` without a timeout. */
  closeMustResolveByMs = Infinity;
  /** The close was `close({ serveWaiting: true })`: callers queued before it are still served until its deadline. */
  closeServesWaiting = false;
  /** Acquires with a lower index were called before `close()`. */
  closedAtIndex = Infinity;
  /** When each idle resource went idle, as the model saw it. */
  readonly idle = new IdleLedger();
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
      destroyTimeoutMs: config.destroyTimeoutMs,
      closeOnError: config.closeOnError,
      maxWaiting: config.maxWaiting,
      createRetryDelayMs: config.createRetryDelayMs,
      createRetryMaxDelayMs: config.createRetryDelayMs * 4,
      minIdle: config.minIdle,
      leakDetectionMs: config.leakDetectionMs,
      idleTimeoutMs: config.idleTimeoutMs,
      maxLifetimeMs: config.maxLifetimeMs,
      hardIdleTimeoutMs: config.hardIdleTimeoutMs,
      priorityRange: config.priorityRange,
      validateOnAcquire: config.validateOnAcquire,
      validateOnRelease: config.validateOnRelease,
      propagateCreateError: config.propagateCreateError,
      idleOrder: config.idleOrder,
    });
    this.pool.on('error', (error) => this.reportedErrors.push(error));
  }

  /**
   * Calls `acquire()` (with the pool's timeout, or `timeoutMs`; at `priority` modulo `priorityRange`, when given) and
   * records how it settles.
   */
  startAcquire(timeoutMs: number | undefined, withSignal: boolean, drawnPriority?: number): AcquireRecord {
    const controller = withSignal ? new AbortController() : undefined;
    const effectiveMs = timeoutMs ?? this.config.acquireTimeoutMs;
    const now = Date.now();
    const record: AcquireRecord = {
      index: this.acquires.length,
      startedAtMs: now,
      deadlineMs: effectiveMs === 0 ? Infinity : now + effectiveMs,
      failsFast: effectiveMs === 0,
      priority: (drawnPriority ?? 0) % this.config.priorityRange,
      controller,
      state: 'pending',
      resource: undefined,
      error: undefined,
      abortedWhilePending: false,
      admitted: false,
    };
    this.acquires.push(record);
    const priority = drawnPriority === undefined ? undefined : record.priority;
    const options =
      timeoutMs === undefined && controller === undefined && priority === undefined
        ? undefined
        : { timeoutMs, signal: controller?.signal, priority };
    this.pool.acquire(options).then(
      (resource) => recordServed(this, record, resource),
      (error: unknown) => recordRefused(this, record, error),
    );
    return record;
  }

  /**
   * Calls `release()` for a resource the model holds; the resource leaves the model's hands at once.
   * @returns a probe that says whether the release promise resolved (it must never reject).
   */
  release(resource: ModelResource, broken: boolean): { resolved: boolean } {
    if (broken) resource.broken = true;
    return this.#giveBack(resource, 'release');
  }

  /** Calls `destroy()` for a resource the model holds (an explicit destroy, counted as a release). */
  destroy(resource: ModelResource): { resolved: boolean } {
    return this.#giveBack(resource, 'destroy');
  }

  #giveBack(resource: ModelResource, how: 'release' | 'destroy'): { resolved: boolean } {
    const probe = { resolved: false };
    this.held.delete(resource);
    this.retired.delete(resource);
    this.released++;
    this.pool[how](resource).then(
      () => {
        probe.resolved = true;
      },
      (error: unknown) => this.violations.push(`${how} of held resource ${resource.id} rejected: ${String(error)}`),
    );
    return probe;
  }

  /**
   * Calls `close()` (optionally with a timeout for holders, optionally serving the queued callers first) and records
   * when it resolves.
   */
  startClose(timeoutMs?: number, serveWaiting = false): void {
    this.isClosed = true;
    this.closeServesWaiting = serveWaiting;
    this.closedAtIndex = this.acquires.length;
    // With serveWaiting, callers served after the close hold resources the deadline then destroys.
    if (timeoutMs !== undefined && (serveWaiting || this.pool.stats().inUse > 0)) this.closeDeadlineMs = Date.now() + timeoutMs;
    if (timeoutMs !== undefined) this.closeMustResolveByMs = Date.now() + timeoutMs;
    const options = timeoutMs === undefined && !serveWaiting ? undefined : { timeoutMs, serveWaiting };
    this.pool.close(options).then(
      () => {
        this.closeResolved = true;
        // A close resolves with a destroy still pending only when its deadline gave that destroy up.
        for (const destroy of this.factory.unsettledDestroys()) destroy.givenUp = true;
      },
      (error: unknown) => this.violations.push(`close() rejected: ${String(error)}`),
    );
  }

  pendingAcquires(): AcquireRecord[] {
    return this.acquires.filter((record) => record.state === 'pending');
  }

  /**
   * Whether a `close({ serveWaiting: true })` still serves callers queued before it: until none is pending or its
   * deadline passed. Meanwhile the pool works as if open, except that new acquires fail.
   */
  isServingWaiting(): boolean {
    return this.closeServesWaiting && Date.now() < this.closeMustResolveByMs && this.pendingAcquires().length > 0;
  }

  /** Closed and done serving queued callers: everything that comes back is destroyed. */
  isTornDown(): boolean {
    return this.isClosed && !this.isServingWaiting();
  }

  /** Whether the pool validates an idle resource before handing it out. */
  validatesOnAcquire(): boolean {
    return this.config.withValidate && this.config.validateOnAcquire;
  }

  /** Whether the pool validates a released resource before reusing it. */
  validatesOnRelease(): boolean {
    return this.config.withValidate && this.config.validateOnRelease;
  }

  /**
   * The caller a released resource goes to: the oldest pending caller of the highest priority level (0 first).
   * Undefined when unknown (validation on acquire takes callers out of the queue) or when nobody waits.
   */
  nextInLine(): AcquireRecord | undefined {
    if (this.validatesOnAcquire()) return undefined;
    let next: AcquireRecord | undefined;
    for (const record of this.pendingAcquires()) if (next === undefined || record.priority < next.priority) next = record;
    return next;
  }

  /** The latest `validate()` call for `resource`, if any. */
  lastValidationOf(resource: ModelResource): ValidateCall | undefined {
    return this.factory.validateCalls.filter((validate) => validate.resource === resource).at(-1);
  }

  /** Whether the pool's validation of `resource` is still running (not answered, not past `validateTimeoutMs`). */
  isBeingValidated(resource: ModelResource): boolean {
    return this.#validatingCalls().some((validate) => validate.resource === resource);
  }

  /** Validations the pool still waits for: unanswered and not past `validateTimeoutMs`. */
  validatingInPool(): number {
    return this.#validatingCalls().length;
  }

  /**
   * Fake `Date.now()` of the latest create failure the pool saw: a factory failure, or a deferred create that ran
   * past `createTimeoutMs`. After one, the pool's own follow-up creates wait for its retry timer (a macrotask).
   */
  lastCreateFailureAtMs(): number {
    const now = Date.now();
    let latest = this.factory.lastFailureAtMs;
    for (const create of this.factory.pendingCreates) {
      const timeoutAtMs = create.startedAtMs + this.config.createTimeoutMs;
      if (timeoutAtMs <= Math.min(create.settledAtMs, now)) latest = Math.max(latest, timeoutAtMs);
    }
    return latest;
  }

  /** Live resources neither held by a caller nor being validated: the ones the pool keeps idle. */
  idleResources(): ModelResource[] {
    const validating = new Set(this.#validatingCalls().map((validate) => validate.resource));
    return this.factory.liveResources().filter((resource) => !this.held.has(resource) && !validating.has(resource));
  }

  #validatingCalls(): ValidateCall[] {
    const now = Date.now();
    return this.factory
      .unsettledValidates()
      .filter((validate) => now < validate.startedAtMs + this.config.validateTimeoutMs);
  }

  /** Validations the pool must have counted as failed: answered invalid in time, or not answered in time. */
  expectedValidationFailures(): number {
    const now = Date.now();
    return this.factory.validateCalls.filter((validate) => {
      const timedOut = Math.min(validate.settledAtMs, now) >= validate.startedAtMs + this.config.validateTimeoutMs;
      return timedOut || (validate.settled && !validate.valid);
    }).length;
  }

  /** The checks made after every step (see model-invariants.ts). */
  checkInvariants(): void {
    checkInvariants(this);
  }

  /** Creates the factory has not finished: deferred ones not yet settled. */
  runningCreates(): number {
    return this.factory.unsettledCreates().length;
  }

  /**
   * Called after the fake clock moved: once a `close({ timeoutMs })` deadline passed, the pool destroyed whatever
   * callers still held; the model stops counting those as held (their late release is accepted quietly).
   */
  onClockMoved(): void {
    if (Date.now() < this.closeDeadlineMs) return;
    for (const resource of this.held.keys()) {
      this.forceDestroyed.add(resource);
      this.everForceDestroyed.add(resource);
    }
    this.held.clear();
    this.closeDeadlineMs = Infinity;
  }

  /** Whether a deferred create has been running for at least `createTimeoutMs`. */
  someCreateOutlived(): boolean {
    const now = Date.now();
    return this.factory.pendingCreates.some(
      (create) => Math.min(create.settledAtMs, now) >= create.startedAtMs + this.config.createTimeoutMs,
    );
  }

  /**
   * A caller queued before a `close({ serveWaiting: true })` whose deadline has not passed: it is still served.
   * `untilDeadline`: the deadline's own instant counts too (timers due at that instant, such as a create retry, may
   * run before the close's).
   */
  isOwedByClose(record: AcquireRecord, untilDeadline = false): boolean {
    const now = Date.now();
    const beforeDeadline = untilDeadline ? now <= this.closeMustResolveByMs : now < this.closeMustResolveByMs;
    return this.closeServesWaiting && record.index < this.closedAtIndex && beforeDeadline;
  }
}
