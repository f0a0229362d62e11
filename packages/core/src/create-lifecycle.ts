import { Backoff } from './backoff.js';
import { CreateOperation } from './create-operation.js';
import { CreateError, CreateTimeoutError, InvalidResourceError, type PoolError } from './errors.js';
import type { Factory } from './options.js';
import type { PoolCounters } from './stats.js';
import { MAX_TIMER_MS, startTimer } from './timers.js';

/** What the pool decides when a create ends; the create lifecycle handles the rest (slots, timers, backoff). */
export interface CreateHost<T, Owner> {
  /** Whether the pool would take this resource (false when it already holds it). */
  accepts(resource: T): boolean;
  /**
   * A create returned a resource. `held` is false when the create had already been abandoned (timed out, cancelled,
   * the pool closed): the resource must then be destroyed.
   */
  created(create: CreateOperation<Owner>, resource: T, held: boolean): void;
  /** A create that held its slot failed or timed out: already counted and backed off; tell its owner or report it. */
  failed(create: CreateOperation<Owner>, error: PoolError): void;
  /** A create the pool stopped waiting for was given up while closing; report it. */
  abandoned(error: PoolError): void;
  /** The backoff delay has passed: creates may start again (at most one probe until a success). */
  retry(): void;
  /** A factory call ended or was given up: the close may be complete. */
  settled(): void;
  /** Whether callers wait in the queue (the retry timer keeps the process alive only for them). */
  hasWaiters(): boolean;
}

/**
 * The create lifecycle: the slots creates hold, each create's timeout, the backoff after failures and its retry
 * timer. One path per event: a create that fails and one that times out are both a failure (counted, reported by the
 * host, backed off, retried from the timer); a result that arrives after its create was abandoned is destroyed.
 *
 * A create may be owned by the waiter it was started for; a create whose owner was served elsewhere or gave up
 * becomes unowned, and the next waiter without a create adopts it.
 */
export class CreateLifecycle<T, Owner extends { create: CreateOperation<Owner> | null }> {
  readonly #factory: Factory<T>;
  readonly #timeoutMs: number;
  readonly #counters: PoolCounters;
  readonly #host: CreateHost<T, Owner>;
  readonly #backoff: Backoff;
  /** Creates holding a slot. */
  readonly #running = new Set<CreateOperation<Owner>>();
  /** The subset no waiter owns. */
  readonly #unowned = new Set<CreateOperation<Owner>>();
  /** Creates whose answer the pool still waits for: slot holders, and abandoned ones until they settle or time out. */
  readonly #awaited = new Set<CreateOperation<Owner>>();
  readonly #onTimeoutBound: (create: CreateOperation<Owner>) => void;
  readonly #onRetryBound: () => void;
  #retryTimer: ReturnType<typeof setTimeout> | undefined = undefined;
  #lastError: unknown = undefined;
  #failures = 0;
  #closing = false;

  constructor(
    factory: Factory<T>,
    options: { createTimeoutMs: number; createRetryDelayMs: number; createRetryMaxDelayMs: number },
    counters: PoolCounters,
    host: CreateHost<T, Owner>,
  ) {
    this.#factory = factory;
    this.#timeoutMs = options.createTimeoutMs;
    this.#counters = counters;
    this.#host = host;
    this.#backoff = new Backoff(options.createRetryDelayMs, options.createRetryMaxDelayMs);
    this.#onTimeoutBound = this.#onTimeout.bind(this);
    this.#onRetryBound = this.#onRetry.bind(this);
  }

  /** Creates holding a slot. */
  get count(): number {
    return this.#running.size;
  }

  /** Creates holding a slot that some waiter owns. */
  get ownedCount(): number {
    return this.#running.size - this.#unowned.size;
  }

  /** Creates holding a slot that no waiter owns. */
  get unownedCount(): number {
    return this.#unowned.size;
  }

  /** Creates whose answer the pool still waits for (`close()` waits for none to remain). */
  get awaitedCount(): number {
    return this.#awaited.size;
  }

  /** Create failures so far: a waiter remembers it at its start, see {@link CreateLifecycle.errorSince}. */
  get failureCount(): number {
    return this.#failures;
  }

  /** The latest create error, for a caller refused while the pool backs off. */
  get lastError(): unknown {
    return this.#lastError;
  }

  /** The latest create error if one happened after `failureCount` was `mark`, else `undefined`. */
  errorSince(mark: number): unknown {
    return this.#failures > mark ? this.#lastError : undefined;
  }

  /**
   * Whether a new create may start: always while healthy; while backing off only once the delay has passed and no
   * create is running (it is then the probe).
   */
  mayStart(): boolean {
    if (!this.#backoff.isActive) return true;
    return this.#running.size === 0 && !this.#backoff.isWaiting(Date.now());
  }

  /** Reserves a slot and calls `factory.create()`, owned by `owner` when given. */
  start(generation: number, owner: Owner | null): void {
    // The slot is reserved before create() is awaited, so concurrent acquires cannot overshoot the size.
    const create = new CreateOperation<Owner>(generation, this.#backoff.burst);
    this.#running.add(create);
    this.#awaited.add(create);
    if (owner === null) this.#unowned.add(create);
    else link(create, owner);
    // An owned create's timeout settles a caller's promise: it keeps the process alive (see timers.ts).
    create.timer = startTimer(this.#onTimeoutBound, this.#timeoutMs, create, owner !== null);
    void this.#run(create);
  }

  /** Cuts the link between a waiter and its create; the create keeps its slot, unowned. */
  unlink(owner: Owner): void {
    const create = owner.create;
    if (create === null) return;
    owner.create = null;
    create.owner = null;
    if (!create.abandoned) {
      this.#unowned.add(create);
      create.timer?.unref();
    }
  }

  /** Gives an unowned running create to `owner`. Returns false when there is none. */
  adopt(owner: Owner): boolean {
    for (const create of this.#unowned) {
      this.#unowned.delete(create);
      link(create, owner);
      create.timer?.ref();
      return true;
    }
    return false;
  }

  /** Cancels unowned creates, newest first, while `isSurplus()` says so (a shrink); their results are destroyed. */
  cancelUnowned(isSurplus: () => boolean, reason: unknown): void {
    for (const create of [...this.#unowned].reverse()) {
      if (!isSurplus()) return;
      this.#abandon(create, reason);
    }
  }

  /**
   * Closing: every create gives up its slot and is aborted (owners were told by the pool). The pool still waits for
   * each one's answer, bounded by its `createTimeoutMs` (its timer now keeps the process alive: `close()` waits).
   */
  close(reason: unknown): void {
    this.#closing = true;
    clearTimeout(this.#retryTimer);
    this.#retryTimer = undefined;
    for (const create of [...this.#running]) {
      if (create.owner !== null) this.unlink(create.owner);
      this.#abandon(create, reason);
    }
    for (const create of this.#awaited) create.timer?.ref();
  }

  /** A `close({ timeoutMs })` ran out: stop waiting for every create still pending, and report each one. */
  giveUp(closeTimeoutMs: number): void {
    for (const create of [...this.#awaited]) {
      this.#finish(create);
      this.#host.abandoned(new CreateTimeoutError(closeTimeoutMs, 'close'));
    }
  }

  /**
   * Arms the retry timer while the backoff delay runs, if it is not armed yet. It keeps the process alive only while
   * callers wait (a retry nobody waits for is background work).
   */
  scheduleRetry(): void {
    if (this.#closing || !this.#backoff.isWaiting(Date.now())) return;
    this.#armRetry();
  }

  /** The last caller left the queue: a pending retry is background work again. */
  noWaiters(): void {
    this.#retryTimer?.unref();
  }

  #armRetry(): void {
    const keepAlive = this.#host.hasWaiters();
    if (this.#retryTimer !== undefined) {
      if (keepAlive) this.#retryTimer.ref();
      return;
    }
    const delayMs = Math.min(this.#backoff.remainingMs(Date.now()), MAX_TIMER_MS);
    this.#retryTimer = startTimer(this.#onRetryBound, delayMs, undefined, keepAlive);
  }

  #onRetry(): void {
    this.#retryTimer = undefined;
    if (this.#closing) return;
    if (this.#backoff.isWaiting(Date.now())) {
      this.#armRetry();
      return;
    }
    this.#host.retry();
  }

  async #run(create: CreateOperation<Owner>): Promise<void> {
    let resource: T;
    try {
      // Always settle asynchronously: a factory that throws synchronously must not re-enter the scheduler.
      resource = await Promise.resolve().then(() => this.#factory.create(create.controller.signal));
    } catch (error) {
      this.#onRejected(create, error);
      return;
    }
    if (this.#host.accepts(resource)) this.#onResolved(create, resource);
    else this.#onRejected(create, new InvalidResourceError('factory.create returned a resource the pool already holds'));
  }

  #onResolved(create: CreateOperation<Owner>, resource: T): void {
    const held = this.#end(create);
    this.#finish(create);
    if (held) {
      // The first success ends the backoff: every waiter gets its create at once.
      this.#backoff.reset();
      clearTimeout(this.#retryTimer);
      this.#retryTimer = undefined;
    }
    this.#host.created(create, resource, held);
    this.#host.settled();
  }

  #onRejected(create: CreateOperation<Owner>, error: unknown): void {
    const held = this.#end(create);
    this.#finish(create);
    // A late failure of an abandoned create was already accounted for when it was abandoned.
    if (held) this.#fail(create, new CreateError(error), error);
    this.#host.settled();
  }

  #onTimeout(create: CreateOperation<Owner>): void {
    create.timer = undefined;
    const held = !create.abandoned;
    this.#finish(create);
    if (held) {
      const error = new CreateTimeoutError(this.#timeoutMs);
      this.#abandon(create, error);
      this.#fail(create, error, error);
    } else if (this.#closing) {
      this.#host.abandoned(new CreateTimeoutError(this.#timeoutMs));
    }
    this.#host.settled();
  }

  /** One path for every create failure: counted, backed off, told or reported, then retried from the timer. */
  #fail(create: CreateOperation<Owner>, error: PoolError, cause: unknown): void {
    this.#counters.createErrors++;
    this.#failures++;
    this.#lastError = cause;
    this.#backoff.recordFailure(create.burst, Date.now());
    this.#host.failed(create, error);
    // The pool's own follow-up creates start from this timer, a macrotask even with a zero delay: a factory that
    // fails at once can never spin the microtask queue and starve the event loop.
    if (!this.#closing) this.#armRetry();
  }

  /** Frees the slot and aborts the factory's work; the pool still waits for its answer (or its timeout). */
  #abandon(create: CreateOperation<Owner>, reason: unknown): void {
    this.#end(create);
    create.controller.abort(reason);
  }

  /** Frees the create's slot. Returns whether it still held one. */
  #end(create: CreateOperation<Owner>): boolean {
    create.abandoned = true;
    this.#unowned.delete(create);
    return this.#running.delete(create);
  }

  /** The pool no longer waits for the factory's answer. */
  #finish(create: CreateOperation<Owner>): void {
    if (create.timer !== undefined) clearTimeout(create.timer);
    create.timer = undefined;
    this.#awaited.delete(create);
  }
}

function link<Owner extends { create: CreateOperation<Owner> | null }>(create: CreateOperation<Owner>, owner: Owner): void {
  create.owner = owner;
  owner.create = create;
}
