import { EventEmitter } from 'node:events';
import { CreateLifecycle, type CreateHost } from './create-lifecycle.js';
import type { CreateOperation } from './create-operation.js';
import { DestroyOperation } from './destroy-operation.js';
import { Deque } from './deque.js';
import { Entry } from './entry.js';
import {
  AcquireAbortedError,
  AcquireTimeoutError,
  CreateError,
  DestroyError,
  DestroyTimeoutError,
  InvalidOptionError,
  PoolClosedError,
  PoolError,
  PoolExhaustedError,
  QueueFullError,
  ReleaseError,
  type PoolSnapshot,
} from './errors.js';
import { diagnosticChannels, type PoolEventMap } from './events.js';
import { Lease } from './lease.js';
import {
  resolveOptions,
  show,
  validateCallOptionKeys,
  validateDuration,
  validateFactory,
  validateSize,
  type Factory,
  type PoolOptions,
  type ResolvedPoolOptions,
} from './options.js';
import { newCounters, type PoolCounters, type PoolStats } from './stats.js';
import { validateWithTimeout } from './validation.js';
import { PriorityWaitQueue } from './priority-queue.js';
import { WaitQueue } from './wait-queue.js';
import { startTimer } from './timers.js';
import { Waiter, type WaiterHooks } from './waiter.js';

/** Per-call options of {@link Pool.acquire}. */
export interface AcquireOptions {
  /** Aborts the wait; the acquire rejects with `ACQUIRE_ABORTED` and never receives a resource later. */
  signal?: AbortSignal;
  /** Overrides the pool's `acquireTimeoutMs` for this call. Minimum: 0. */
  timeoutMs?: number;
  /**
   * Where the caller queues when it must wait: 0 (served first) to `priorityRange - 1`. Within a level, callers are
   * served in arrival order. Range: 0 to `priorityRange - 1`. @default 0
   */
  priority?: number;
}

/** Options of {@link Pool.close}. */
export interface CloseOptions {
  /**
   * Bounds the whole close, whatever the factory does: at this deadline, callers still waiting are rejected,
   * resources still held are destroyed, and factory calls still pending (a stuck destroy, a create that ignores its
   * abort signal) are given up and reported. Minimum: 0. @default Infinity (wait for every release; destroys and
   * creates are still bounded by `destroyTimeoutMs` and `createTimeoutMs`)
   */
  timeoutMs?: number;
  /**
   * Serve the callers already waiting before closing (generic-pool's `drain()`): new acquires fail with
   * `POOL_CLOSED` at once, but queued ones still get a resource (creates keep running for them) until none is left
   * waiting; then the pool closes as usual. @default false
   */
  serveWaiting?: boolean;
}

const RESOLVED: Promise<void> = Promise.resolve();
const ACQUIRE_OPTIONS = ['timeoutMs', 'signal', 'priority'] as const;
const CLOSE_OPTIONS = ['timeoutMs', 'serveWaiting'] as const;
const SHRINK_REASON = 'create cancelled: the pool was resized below its current total';

/**
 * A pool of resources made by a {@link Factory}: modelled on pyredis' `AsyncBasePool`.
 * Create it with {@link createPool}.
 *
 * Invariant after every call: `idle + inUse + creating <= size`, except after a shrink, when only resources in use and
 * creates owned by admitted callers may keep it above (until they come back); each created resource is destroyed
 * exactly once (`created === destroyed` after `close()`).
 */
export class Pool<T> extends EventEmitter<PoolEventMap<T>> {
  readonly #factory: Factory<T>;
  readonly #options: ResolvedPoolOptions;
  #size: number;
  #closeOnError: boolean;
  /** Every live resource, by identity. */
  readonly #entries = new Map<T, Entry<T>>();
  /** Idle resources, least recently released at the front: pop the back to reuse, evict from the front. */
  readonly #idle = new Deque<Entry<T>>();
  /** Callers waiting, FIFO (by priority level when `priorityRange` > 1). */
  readonly #queue: WaitQueue<Waiter<T>> | PriorityWaitQueue<Waiter<T>>;
  /** Callers of `ready()` waiting for `minIdle` idle resources. */
  #readyWaiters: { resolve: () => void; reject: (error: unknown) => void }[] = [];
  /** `close({ serveWaiting })` is serving the callers queued before it; the teardown waits for them. */
  #servingWaiting = false;
  /** Creates: their slots, timeouts, backoff and retries (see create-lifecycle.ts). */
  readonly #creates: CreateLifecycle<T, Waiter<T>>;
  /** Destroys whose factory call has not settled yet, for `close()`. */
  readonly #destroying = new Set<DestroyOperation<T>>();
  /** Entries being validated for a caller, and that caller (a close deadline tells it). */
  readonly #validating = new Map<Entry<T>, Waiter<T>>();
  /** Resources destroyed by a `close()` timeout while still held; their late release is accepted. */
  readonly #forceDestroyed = new WeakSet<object>();
  readonly #counters: PoolCounters = newCounters();
  readonly #waiterHooks: WaiterHooks<T>;
  readonly #onDestroyTimeoutBound: (operation: DestroyOperation<T>) => void;
  readonly #checksExpiry: boolean;
  /** No validation and no leak detection: an idle resource is handed out synchronously. */
  readonly #servesIdleDirectly: boolean;
  /** Which lifecycle events have a listener: `emit()` costs a lookup per call even with none. */
  readonly #listened: Record<LifecycleEvent, boolean> = {
    create: false,
    destroy: false,
    acquire: false,
    release: false,
    acquireFailed: false,
  };
  #inUse = 0;
  #generation = 0;
  #reaperTimer: ReturnType<typeof setInterval> | undefined = undefined;
  #closeTimer: ReturnType<typeof setTimeout> | undefined = undefined;
  #closing: Promise<void> | undefined = undefined;
  #finishClose: (() => void) | undefined = undefined;

  /**
   * @param factory - makes and destroys resources; checked for `create` and `destroy`.
   * @param options - see {@link PoolOptions}; every value is validated.
   * @throws InvalidFactoryError (`INVALID_FACTORY`), InvalidOptionError (`INVALID_OPTION`)
   */
  constructor(factory: Factory<T>, options?: PoolOptions) {
    super();
    this.#factory = validateFactory<T>(factory);
    this.#options = resolveOptions(options);
    this.#size = this.#options.size;
    this.#closeOnError = this.#options.closeOnError;
    this.#creates = new CreateLifecycle<T, Waiter<T>>(this.#factory, this.#options, this.#counters, this.#createHost());
    this.#waiterHooks = {
      onTimeout: this.#onWaiterTimeout.bind(this),
      onAbort: this.#onWaiterAbort.bind(this),
      onFailed: this.#onAcquireFailed.bind(this),
    };
    this.#onDestroyTimeoutBound = this.#onDestroyTimeout.bind(this);
    // Track which lifecycle events have listeners, so emitting (and reading the clock) costs nothing without them.
    (this as EventEmitter).on('newListener', (event: string | symbol) => {
      if (Object.hasOwn(this.#listened, event)) this.#listened[event as LifecycleEvent] = true;
    });
    (this as EventEmitter).on('removeListener', (event: string | symbol) => {
      if (Object.hasOwn(this.#listened, event)) this.#listened[event as LifecycleEvent] = this.listenerCount(event) > 0;
    });
    this.#queue = this.#options.priorityRange > 1 ? new PriorityWaitQueue<Waiter<T>>(this.#options.priorityRange) : new WaitQueue<Waiter<T>>();
    this.#checksExpiry =
      this.#options.idleTimeoutMs !== Infinity ||
      this.#options.maxLifetimeMs !== Infinity ||
      this.#options.hardIdleTimeoutMs !== Infinity;
    this.#servesIdleDirectly = !this.#validatesOnAcquire() && this.#options.leakDetectionMs === Infinity;
    this.#startReaper();
    this.#fillMinIdle();
  }

  /** Most resources alive at once. Setting it starts a {@link Pool.resize} (throws on a bad value). */
  get size(): number {
    return this.#size;
  }

  /** Starts a {@link Pool.resize} to `size`. @throws InvalidOptionError (`INVALID_OPTION`), PoolClosedError (`POOL_CLOSED`) */
  set size(size: number) {
    validateSize(size);
    if (this.#closing !== undefined) throw new PoolClosedError();
    void this.resize(size);
  }

  /** Whether a broken release retires every other resource too (pyredis' `close_on_err`). */
  get closeOnError(): boolean {
    return this.#closeOnError;
  }

  /** Turns close-on-error on or off for the releases that follow. @throws InvalidOptionError (`INVALID_OPTION`) */
  set closeOnError(value: boolean) {
    if (typeof value !== 'boolean') throw new InvalidOptionError(`closeOnError must be a boolean, got ${typeof value}`);
    this.#closeOnError = value;
  }

  /** Idle resources kept ready in the background (the `minIdle` option). */
  get minIdle(): number {
    return this.#options.minIdle;
  }

  /** Whether `close()` has been called. */
  get isClosed(): boolean {
    return this.#closing !== undefined;
  }

  /**
   * Takes a resource: the most recently used idle one (validated if the factory can), else a new one, else it
   * fails fast or waits in FIFO order, per `acquireTimeoutMs`.
   *
   * @throws PoolClosedError (`POOL_CLOSED`), PoolExhaustedError (`POOL_EXHAUSTED`), QueueFullError (`QUEUE_FULL`),
   *   AcquireTimeoutError (`ACQUIRE_TIMEOUT`), AcquireAbortedError (`ACQUIRE_ABORTED`), CreateError
   *   (`CREATE_FAILED`, the factory's error as `cause`), CreateTimeoutError (`CREATE_TIMEOUT`),
   *   InvalidOptionError (`INVALID_OPTION`) — all as rejections.
   * @example
   * ```ts
   * const connection = await pool.acquire({ timeoutMs: 500 });
   * try { await connection.query('SELECT 1'); } finally { await pool.release(connection); }
   * ```
   */
  acquire(options?: AcquireOptions): Promise<T> {
    if (this.#closing !== undefined) return this.#failAtOnce(new PoolClosedError());
    if (options === undefined) return this.#acquire(this.#options.acquireTimeoutMs, undefined, 0);
    if (options === null || typeof options !== 'object') {
      return Promise.reject(new InvalidOptionError(`acquire options must be an object, got ${typeof options}`));
    }
    const { signal, timeoutMs = this.#options.acquireTimeoutMs, priority = 0 } = options;
    try {
      validateCallOptionKeys('acquire', options, ACQUIRE_OPTIONS);
      validateDuration('timeoutMs', timeoutMs, 0);
      if (signal !== undefined && !(signal instanceof AbortSignal)) {
        throw new InvalidOptionError(`signal must be an AbortSignal, got ${typeof signal}`);
      }
      if (!Number.isInteger(priority) || priority < 0 || priority >= this.#options.priorityRange) {
        throw new InvalidOptionError(
          `priority must be an integer from 0 to ${this.#options.priorityRange - 1} (priorityRange - 1), got ${show(priority)}`,
        );
      }
    } catch (error) {
      return Promise.reject(error);
    }
    if (signal?.aborted === true) return this.#failAtOnce(new AcquireAbortedError(signal.reason));
    return this.#acquire(timeoutMs, signal, priority);
  }

  /**
   * Gives a resource back. A broken one (`isBroken`) is destroyed, and with `closeOnError` so is every idle one,
   * while every in-use one is retired. A retired one, or one over the size, is destroyed; otherwise it serves the
   * oldest waiter or goes idle. Resolves once any destroy it caused has settled (destroy errors are emitted,
   * never thrown here).
   *
   * @throws ReleaseError (`RELEASE_INVALID`) as a rejection, for a resource released twice or never handed out;
   *   nothing changes then.
   */
  release(resource: T): Promise<void> {
    const entry = this.#entries.get(resource);
    if (entry === undefined || entry.state !== 'inUse') return this.#rejectReturn(resource, entry);
    this.#takeBack(entry);
    if (this.#isBroken(resource)) return this.#releaseBroken(entry);
    if (this.#mustRetire(entry, this.#checksExpiry ? Date.now() : 0)) return this.#retire(entry);
    if (this.#options.validateOnRelease && this.#factory.validate !== undefined) return this.#validateThenPark(entry);
    this.#makeAvailable(entry);
    return RESOLVED;
  }

  /**
   * Takes back a resource the caller holds and destroys it instead of reusing it (generic-pool's `destroy`): for a
   * resource the caller knows is broken. Counted as a release (`release` event, `released`); a waiter or `minIdle`
   * gets a new resource. Resolves once the destroy settled (destroy errors are emitted, never thrown here).
   *
   * @throws ReleaseError (`RELEASE_INVALID`) as a rejection, for a resource not currently handed out; nothing
   *   changes then.
   * @example
   * ```ts
   * const connection = await pool.acquire();
   * try { await connection.query('SELECT 1'); } catch (error) { await pool.destroy(connection); throw error; }
   * await pool.release(connection);
   * ```
   */
  destroy(resource: T): Promise<void> {
    const entry = this.#entries.get(resource);
    if (entry === undefined || entry.state !== 'inUse') return this.#rejectReturn(resource, entry);
    this.#takeBack(entry);
    return this.#retire(entry);
  }

  /** Whether `resource` is currently handed out by this pool (acquired and not yet released or destroyed). */
  isInUse(resource: T): boolean {
    return this.#entries.get(resource)?.state === 'inUse';
  }

  /**
   * Resolves once `minIdle` resources are idle, ready to hand out (at once when `minIdle` is 0). Keeps waiting
   * through create failures (they are retried).
   * @throws PoolClosedError (`POOL_CLOSED`) as a rejection, when the pool closes first.
   * @example
   * ```ts
   * const pool = createPool(factory, { minIdle: 4 });
   * await pool.ready(); // four connections are open
   * ```
   */
  ready(): Promise<void> {
    if (this.#closing !== undefined) return Promise.reject(new PoolClosedError());
    if (this.#isReady()) return RESOLVED;
    return new Promise<void>((resolve, reject) => {
      this.#readyWaiters.push({ resolve, reject });
    });
  }

  /**
   * Runs `fn` with a resource and releases it afterwards, even when `fn` throws (pyredis' `execute`, for any resource).
   * @example
   * ```ts
   * const rows = await pool.use((connection) => connection.query('SELECT 1'));
   * ```
   */
  async use<R>(fn: (resource: T) => R | Promise<R>): Promise<R> {
    if (typeof fn !== 'function') throw new InvalidOptionError(`use() needs a function, got ${typeof fn}`);
    const resource = await this.acquire();
    try {
      return await fn(resource);
    } finally {
      await this.release(resource);
    }
  }

  /**
   * Acquires a resource wrapped in a {@link Lease}, which releases it once, also through `await using`.
   * @example
   * ```ts
   * {
   *   await using lease = await pool.lease();
   *   await lease.resource.query('SELECT 1');
   * } // released here
   * ```
   */
  lease(options?: AcquireOptions): Promise<Lease<T>> {
    return this.acquire(options).then((resource: T) => new Lease(resource, (held: T) => this.release(held)));
  }

  /**
   * Changes the size. A shrink destroys surplus idle resources now (awaited here) and surplus in-use ones when
   * released, and cancels surplus creates; a growth serves waiters at once.
   * @throws InvalidOptionError (`INVALID_OPTION`), PoolClosedError (`POOL_CLOSED`) — as rejections.
   */
  async resize(size: number): Promise<void> {
    validateSize(size);
    if (this.#closing !== undefined) throw new PoolClosedError();
    this.#size = size;
    const destroys: Promise<void>[] = [];
    while (this.#total() > size && this.#idle.length > 0) destroys.push(this.#destroy(this.#idle.popFront() as Entry<T>));
    this.#cancelSurplusCreates();
    this.#dispatch();
    this.#fillMinIdle();
    this.#checkReady();
    await Promise.all(destroys);
  }

  /** Occupancy and counters, as a fresh object. */
  stats(): PoolStats {
    return { ...this.#snapshot(), ...this.#counters };
  }

  /**
   * Closes the pool: new acquires fail with `POOL_CLOSED`, waiters are rejected, creates are aborted (whatever they
   * still return is destroyed), idle resources are destroyed now and in-use ones when released (or after
   * `timeoutMs`). Resolves when every resource ever created is destroyed. Idempotent.
   * @throws InvalidOptionError (`INVALID_OPTION`) as a rejection, for a bad or unknown option; the pool stays open.
   * @example
   * ```ts
   * process.once('SIGTERM', () => void pool.close({ timeoutMs: 10_000 }));
   * ```
   */
  close(options?: CloseOptions): Promise<void> {
    if (this.#closing !== undefined) return this.#closing;
    let timeoutMs: number;
    let serveWaiting: boolean;
    try {
      if (options !== undefined) validateCallOptionKeys('close', options, CLOSE_OPTIONS);
      timeoutMs = validateDuration('timeoutMs', options?.timeoutMs ?? Infinity, 0);
      serveWaiting = options?.serveWaiting ?? false;
      if (typeof serveWaiting !== 'boolean') {
        throw new InvalidOptionError(`serveWaiting must be a boolean, got ${show(serveWaiting)}`);
      }
    } catch (error) {
      return Promise.reject(error);
    }
    this.#closing = new Promise<void>((resolve) => {
      this.#finishClose = resolve;
    });
    const readyWaiters = this.#readyWaiters;
    this.#readyWaiters = [];
    for (const waiter of readyWaiters) waiter.reject(new PoolClosedError());
    this.#closeTimer = startTimer(() => this.#onCloseDeadline(timeoutMs), timeoutMs, undefined, true);
    if (serveWaiting && this.#owesWaiters()) {
      // Acquires already fail (`#closing` is set); the queue keeps being served until it is empty.
      this.#servingWaiting = true;
      clearInterval(this.#reaperTimer);
      this.#reaperTimer = undefined;
      return this.#closing;
    }
    this.#tearDown();
    return this.#closing;
  }

  /** The closing steps proper: waiters rejected, creates aborted, idle resources destroyed, in-use ones awaited. */
  #tearDown(): void {
    this.#servingWaiting = false;
    clearInterval(this.#reaperTimer);
    this.#reaperTimer = undefined;
    for (const waiter of this.#queue.drain()) this.#settle(waiter, undefined, new PoolClosedError());
    this.#creates.close(new PoolClosedError());
    for (const entry of this.#idle.drain()) void this.#destroy(entry, true);
    // close() waits for the destroys in flight: their timers now keep the process alive.
    for (const operation of this.#destroying) operation.timer?.ref();
    this.#checkClosed();
  }

  /**
   * `close({ timeoutMs })` ran out: stop serving waiters; what callers still hold (or is being validated for them) is
   * destroyed, and their late release is accepted quietly; destroys and creates still pending are given up and
   * reported, so the close resolves now whatever the factory does.
   */
  #onCloseDeadline(timeoutMs: number): void {
    this.#closeTimer = undefined;
    if (this.#servingWaiting) this.#tearDown();
    for (const entry of [...this.#entries.values()]) {
      if (entry.state === 'inUse') {
        if (isObject(entry.resource)) this.#forceDestroyed.add(entry.resource);
      } else if (entry.state === 'validating') {
        this.#validating.get(entry)?.reject(new PoolClosedError());
        this.#validating.delete(entry);
      } else {
        continue;
      }
      this.#inUse--;
      void this.#destroy(entry, true);
    }
    // The destroys just started get one turn of the event loop; then the close stops waiting for anything.
    setImmediate(() => this.#giveUpPending(timeoutMs));
    this.#checkClosed();
  }

  /** The end of a close deadline: destroys and creates still pending are given up (and reported). */
  #giveUpPending(timeoutMs: number): void {
    if (this.#finishClose === undefined) return;
    for (const operation of [...this.#destroying]) this.#onDestroyed(operation, new DestroyTimeoutError(timeoutMs, 'close'));
    this.#creates.giveUp(timeoutMs);
    this.#checkClosed();
  }

  /**
   * Whether callers queued before a `serveWaiting` close still wait for a resource: in the queue, or out of it while
   * their resource is validated. One who gave up during its validation is owed nothing.
   */
  #owesWaiters(): boolean {
    if (this.#queue.count > 0) return true;
    for (const waiter of this.#validating.values()) if (waiter.isPending) return true;
    return false;
  }

  /** During a `serveWaiting` close, tears down once the last queued caller has left the queue. */
  #finishServingIfDone(): void {
    if (!this.#servingWaiting || this.#queue.count > 0) return;
    // Later, not in the middle of the dispatch that settled the last waiter, nor before a caller who gave up during its
    // validation (it leaves the queue before it is rejected) is no longer pending.
    queueMicrotask(() => {
      if (this.#servingWaiting && !this.#owesWaiters()) this.#tearDown();
    });
  }

  /** Closed and no longer serving queued callers: every resource that comes back is destroyed. */
  #isShuttingDown(): boolean {
    return this.#closing !== undefined && !this.#servingWaiting;
  }

  // ---- acquire ----------------------------------------------------------------------------------------------

  #acquire(timeoutMs: number, signal: AbortSignal | undefined, priority: number): Promise<T> {
    if (this.#queue.count === 0 && this.#servesIdleDirectly) {
      // Hot path: an idle resource needs no waiter, no closure, no timer.
      const entry = this.#takeIdle();
      if (entry !== undefined) {
        this.#markInUse(entry, undefined, 0);
        return Promise.resolve(entry.resource);
      }
    }
    const leakDetection = this.#options.leakDetectionMs !== Infinity;
    const startedAt = this.#timesWaits() ? performance.now() : Number.NaN;
    const waiter = new Waiter<T>(this.#waiterHooks, timeoutMs, leakDetection ? captureStack() : undefined, startedAt, priority);
    waiter.failureMark = this.#creates.failureCount;
    if (signal !== undefined) waiter.listen(signal);
    if (this.#queue.count === 0) {
      const entry = this.#takeIdle();
      if (entry !== undefined) {
        this.#serve(waiter, entry);
        return waiter.promise;
      }
    }
    const room = this.#room() > 0;
    if (room && this.#creates.mayStart()) {
      const uncoveredAhead = this.#queue.count > this.#creates.ownedCount;
      this.#enqueue(waiter);
      // Waiting callers ahead that still need a create (the pool was backing off) go first; a fail-fast caller
      // cannot wait, so it takes the room it found.
      if (uncoveredAhead && !waiter.failsFast) this.#dispatch();
      else this.#startCreate(waiter);
    } else if (waiter.failsFast) {
      waiter.reject(room ? new CreateError(this.#creates.lastError) : new PoolExhaustedError(this.#snapshot()));
    } else if (this.#queue.count >= this.#options.maxWaiting) {
      waiter.reject(new QueueFullError(this.#options.maxWaiting, this.#snapshot()));
    } else {
      this.#enqueue(waiter);
      // Room but backing off after create failures: the retry timer (or the running probe) covers it.
      if (room) this.#creates.scheduleRetry();
    }
    return waiter.promise;
  }

  /** Queues a waiter at the back and starts its wait timer. */
  #enqueue(waiter: Waiter<T>): void {
    this.#queue.pushBack(waiter);
    waiter.startTimer();
  }

  /** The oldest waiter, out of the queue and detached from its create. */
  #nextWaiter(): Waiter<T> | undefined {
    const waiter = this.#queue.popFront();
    if (waiter !== undefined) this.#creates.unlink(waiter);
    return waiter;
  }

  /** Takes a waiter out of the queue; its create, if any, keeps the slot for whoever waits next. */
  #unqueue(waiter: Waiter<T>): void {
    this.#queue.remove(waiter);
    this.#leftQueue(waiter);
  }

  /** What follows a waiter's leaving the queue: its create is detached, and an emptied queue is noticed. */
  #leftQueue(waiter: Waiter<T>): void {
    if (waiter.create !== null) this.#creates.unlink(waiter);
    if (this.#queue.count > 0) return;
    this.#creates.noWaiters();
    if (this.#servingWaiting) this.#finishServingIfDone();
  }

  /** Settles a waiter once, with a resource or an error, and takes it out of the count. */
  #settle(waiter: Waiter<T>, entry: Entry<T> | undefined, error?: unknown): void {
    this.#unqueue(waiter);
    if (entry !== undefined) this.#handOver(waiter, entry);
    else waiter.reject(error);
  }

  /** Gives a resource to a waiter already out of the queue. */
  #handOver(waiter: Waiter<T>, entry: Entry<T>): void {
    this.#markInUse(entry, waiter.acquireStack, elapsedSince(waiter.startedAt));
    waiter.resolve(entry.resource);
  }

  #onWaiterTimeout(waiter: Waiter<T>): void {
    if (!waiter.isPending) return;
    this.#counters.timeouts++;
    // The snapshot still counts this caller among the waiting: it is the state the caller gave up on.
    const cause = this.#creates.errorSince(waiter.failureMark);
    const error = new AcquireTimeoutError(waiter.timeoutMs, this.#snapshot(), cause);
    this.#unqueue(waiter);
    waiter.reject(error);
    this.#afterWaiterLeft();
  }

  #onWaiterAbort(waiter: Waiter<T>, reason: unknown): void {
    if (!waiter.isPending) return;
    this.#unqueue(waiter);
    waiter.reject(new AcquireAbortedError(reason));
    this.#afterWaiterLeft();
  }

  /**
   * A caller gave up (timeout, abort): the next waiter may take what it was owed, and a `minIdle` refill it held back
   * (it was cycling through validations, see {@link Pool.#validateThenServe}) starts now.
   */
  #afterWaiterLeft(): void {
    this.#dispatch();
    this.#fillMinIdle();
  }

  /** Hands an idle entry to a waiter, validating it first when the factory can. */
  #serve(waiter: Waiter<T>, entry: Entry<T>): void {
    if (!this.#validatesOnAcquire()) {
      this.#settle(waiter, entry);
      return;
    }
    entry.state = 'validating';
    this.#validating.set(entry, waiter);
    this.#inUse++;
    this.#unqueue(waiter);
    // The caller's wait limit also bounds the validation (a waiter served straight from idle has no timer yet).
    waiter.startTimer();
    void this.#validateThenServe(waiter, entry);
  }

  async #validateThenServe(waiter: Waiter<T>, entry: Entry<T>): Promise<void> {
    const valid = await validateWithTimeout(this.#factory, entry.resource, this.#options.validateTimeoutMs);
    if (!valid) this.#counters.validationFailures++;
    if (entry.state !== 'validating') return; // a close deadline took it (and told the waiter)
    this.#validating.delete(entry);
    this.#inUse--;
    if (this.#isShuttingDown()) {
      void this.#destroy(entry);
      if (waiter.isPending) waiter.reject(new PoolClosedError());
    } else if (!valid || this.#mustRetire(entry, Date.now())) {
      void this.#destroy(entry);
      if (waiter.isPending) this.#requeueAfterFailedValidation(waiter);
      this.#dispatch();
      // Refill minIdle only once nobody cycles through validations: a pending caller is served (or gets its own
      // create) first, so a validate that always fails cannot spin creates in a loop.
      if (!waiter.isPending) this.#fillMinIdle();
    } else if (waiter.isPending) {
      this.#settle(waiter, entry);
    } else {
      this.#makeAvailable(entry);
    }
    if (this.#servingWaiting) this.#finishServingIfDone();
  }

  /**
   * A caller whose idle resource failed validation goes back to the front of the queue; its timer keeps running (or
   * starts). It was admitted, so it keeps the destroyed resource's slot: when a shrink has left no room, it gets a
   * create of its own anyway (the pool is over its size only until that resource comes back, which a release then
   * destroys); a fail-fast caller gets it at once in any case, before a caller of a higher priority who can wait takes
   * the slot. The create's result goes to it without another validation, so a `validate` that always fails cannot
   * cycle creates.
   */
  #requeueAfterFailedValidation(waiter: Waiter<T>): void {
    this.#queue.pushFront(waiter);
    waiter.startTimer();
    const keepsSlot = waiter.failsFast || this.#room() <= 0;
    if (keepsSlot && this.#idle.length === 0 && this.#creates.mayStart()) this.#startCreate(waiter);
  }

  #markInUse(entry: Entry<T>, acquireStack: string | undefined, waitMs: number): void {
    entry.state = 'inUse';
    this.#inUse++;
    this.#counters.acquired++;
    // Read the clock only when a release will report the hold time: it costs as much as the rest of an acquire.
    entry.usedSince = this.#listened.release || diagnosticChannels.release.hasSubscribers ? performance.now() : Number.NaN;
    if (acquireStack !== undefined) this.#watchForLeak(entry, acquireStack);
    // Named checks, not #emit's keyed ones: a keyed load that sees both 'acquire' and 'release' goes megamorphic and
    // costs more than the rest of an idle acquire.
    if (this.#listened.acquire || diagnosticChannels.acquire.hasSubscribers) this.#emit('acquire', entry.resource, waitMs);
    if (this.#idle.length < this.#options.minIdle) this.#fillMinIdle();
  }

  #watchForLeak(entry: Entry<T>, acquireStack: string): void {
    entry.acquiredAt = Date.now();
    entry.leakTimer = startTimer(
      () => {
        entry.leakTimer = undefined;
        const report = { resource: entry.resource, heldMs: Date.now() - entry.acquiredAt, acquireStack };
        if (diagnosticChannels.leak.hasSubscribers) diagnosticChannels.leak.publish(report);
        this.emit('leak', report);
      },
      this.#options.leakDetectionMs,
      undefined,
      false,
    );
  }

  // ---- release, idle, dispatch --------------------------------------------------------------------------------

  #rejectReturn(resource: T, entry: Entry<T> | undefined): Promise<void> {
    if (entry === undefined && isObject(resource) && this.#forceDestroyed.has(resource)) return RESOLVED;
    return Promise.reject(new ReleaseError(entry === undefined ? 'unknown' : 'not-in-use'));
  }

  /** Counts a resource the caller gave back (by `release` or `destroy`). */
  #takeBack(entry: Entry<T>): void {
    this.#inUse--;
    this.#counters.released++;
    if (entry.leakTimer !== undefined) clearTimeout(entry.leakTimer);
    if (this.#listened.release || diagnosticChannels.release.hasSubscribers) {
      this.#emit('release', entry.resource, elapsedSince(entry.usedSince));
    }
  }

  /** Destroys a resource that came back, then lets waiters and `minIdle` use the freed slot. */
  #retire(entry: Entry<T>): Promise<void> {
    const destroyed = this.#destroy(entry, true);
    this.#dispatch();
    this.#fillMinIdle();
    return destroyed;
  }

  /** `validateOnRelease`: the resource stays counted in use until the verdict, then is parked or destroyed. */
  async #validateThenPark(entry: Entry<T>): Promise<void> {
    entry.state = 'validating';
    this.#inUse++;
    const valid = await validateWithTimeout(this.#factory, entry.resource, this.#options.validateTimeoutMs);
    if (!valid) this.#counters.validationFailures++;
    if (entry.state !== 'validating') return; // a close deadline took it
    this.#inUse--;
    if (!valid || this.#mustRetire(entry, Date.now())) return this.#retire(entry);
    this.#makeAvailable(entry);
  }

  #isReady(): boolean {
    return this.#idle.length >= Math.min(this.#options.minIdle, this.#size);
  }

  #checkReady(): void {
    if (this.#readyWaiters.length === 0 || !this.#isReady()) return;
    const waiters = this.#readyWaiters;
    this.#readyWaiters = [];
    for (const waiter of waiters) waiter.resolve();
  }

  #releaseBroken(entry: Entry<T>): Promise<void> {
    const destroys = [this.#destroy(entry, true)];
    if (this.#closeOnError) destroys.push(...this.#retireGeneration());
    this.#dispatch();
    this.#fillMinIdle();
    return destroys.length === 1 ? (destroys[0] as Promise<void>) : Promise.all(destroys).then(noop);
  }

  /** Close-on-error: every idle resource is destroyed now, every in-use one and every running create later. */
  #retireGeneration(): Promise<void>[] {
    this.#generation++;
    return this.#idle.drain().map((entry) => this.#destroy(entry, true));
  }

  /** Whether a resource coming back must be destroyed instead of reused. */
  #mustRetire(entry: Entry<T>, now: number): boolean {
    return (
      this.#isShuttingDown() ||
      entry.generation !== this.#generation ||
      this.#total() >= this.#size ||
      (this.#checksExpiry && this.#isExpired(entry, now, false))
    );
  }

  /** Gives an entry (counted nowhere yet) to the oldest waiter, else parks it idle. */
  #makeAvailable(entry: Entry<T>): void {
    // The release path of a saturated pool: the oldest waiter takes it (the queue's bookkeeping done once).
    const waiter = this.#queue.popFront();
    if (waiter !== undefined) {
      this.#leftQueue(waiter);
      this.#handOver(waiter, entry);
      return;
    }
    entry.state = 'idle';
    entry.idleSince = this.#checksExpiry ? Date.now() : 0;
    this.#idle.pushBack(entry);
    if (this.#readyWaiters.length > 0) this.#checkReady();
  }

  /**
   * Takes the most recently used idle entry (`idleOrder` 'lifo') or the least recently used one ('fifo') that is
   * still fresh; expired ones on the way are destroyed. Resources kept for `minIdle` are served, never expired by
   * idle time here (the reaper decides which it keeps; `maxLifetimeMs` and `hardIdleTimeoutMs` still apply).
   */
  #takeIdle(): Entry<T> | undefined {
    const now = this.#checksExpiry ? Date.now() : 0;
    const fifo = this.#options.idleOrder === 'fifo';
    const checksIdleTime = this.#options.minIdle === 0;
    while (this.#idle.length > 0) {
      const entry = (fifo ? this.#idle.popFront() : this.#idle.popBack()) as Entry<T>;
      if (!this.#checksExpiry || !(this.#isExpired(entry, now, checksIdleTime) || this.#isIdleTooLong(entry, now))) {
        return entry;
      }
      void this.#destroy(entry);
    }
    return undefined;
  }

  #isExpired(entry: Entry<T>, now: number, idle: boolean): boolean {
    if (now - entry.createdAt >= this.#options.maxLifetimeMs) return true;
    return idle && now - entry.idleSince >= this.#options.idleTimeoutMs;
  }

  /** Idle past `hardIdleTimeoutMs`: replaced even when kept for `minIdle`. */
  #isIdleTooLong(entry: Entry<T>, now: number): boolean {
    return now - entry.idleSince >= this.#options.hardIdleTimeoutMs;
  }

  /**
   * The one scheduler: serves waiters from idle, then gives every uncovered waiter a create while there is room.
   * Called after every change that can free a resource or a slot.
   */
  #dispatch(): void {
    if (this.#isShuttingDown()) return;
    while (this.#queue.count > 0 && this.#idle.length > 0) {
      const entry = this.#takeIdle();
      if (entry === undefined) break;
      this.#serve(this.#nextWaiter() as Waiter<T>, entry);
    }
    if (this.#total() > this.#size) this.#cancelSurplusCreates();
    const uncovered = this.#queue.count > this.#creates.ownedCount;
    if (uncovered && (this.#room() > 0 || this.#creates.unownedCount > 0)) this.#coverWaiters();
  }

  /** Gives each waiter without a create one: an unowned running create first, else a new one if there is room. */
  #coverWaiters(): void {
    let blocked = false;
    for (const waiter of this.#queue) {
      if (waiter.create !== null || this.#creates.adopt(waiter)) continue;
      const room = this.#room() > 0;
      if (room && this.#creates.mayStart()) {
        this.#startCreate(waiter);
      } else if (waiter.failsFast) {
        const error = room ? new CreateError(this.#creates.lastError) : new PoolExhaustedError(this.#snapshot());
        this.#settle(waiter, undefined, error);
      } else {
        blocked ||= room;
      }
    }
    if (blocked) this.#creates.scheduleRetry();
  }

  // ---- create (the mechanics live in create-lifecycle.ts; the decisions here) --------------------------------

  #startCreate(owner: Waiter<T> | null): void {
    this.#creates.start(this.#generation, owner);
  }

  /** The pool's side of the create lifecycle, bound once. */
  #createHost(): CreateHost<T, Waiter<T>> {
    return {
      accepts: (resource) => !this.#entries.has(resource),
      created: (create, resource, held) => this.#onCreated(create, resource, held),
      failed: (create, error) => this.#onCreateFailed(create, error),
      abandoned: (error) => this.#report(error),
      retry: () => {
        this.#dispatch();
        this.#fillMinIdle();
      },
      settled: () => this.#checkClosed(),
      hasWaiters: () => this.#queue.count > 0,
    };
  }

  /**
   * A create returned a resource: it goes to its owner, else to the oldest waiter, else idle. One whose create was
   * abandoned (timed out, cancelled, the pool closed) or that belongs to a retired generation is destroyed.
   */
  #onCreated(create: CreateOperation<Waiter<T>>, resource: T, held: boolean): void {
    const entry = new Entry(resource, create.generation, Date.now());
    this.#entries.set(resource, entry);
    this.#counters.created++;
    this.#emit('create', resource, performance.now() - create.startedAt);
    const owner = create.owner;
    if (!held || this.#isShuttingDown() || create.generation !== this.#generation) {
      // Nobody may use it. Its owner (if any) keeps its place in the queue and gets covered again.
      void this.#destroy(entry);
      if (owner !== null) this.#coverAgain(owner);
    } else if (owner !== null) {
      this.#settle(owner, entry);
    } else {
      this.#makeAvailable(entry);
    }
    this.#dispatch();
    this.#fillMinIdle(); // a success may have ended a backoff that held the refill back
  }

  /**
   * The owner of a create whose resource nobody may use (a retired generation) keeps its place in the queue; an
   * admitted fail-fast owner also keeps the slot it was admitted to: a new create at once, before a caller who can wait
   * takes the slot (as after a failed validation). Other owners are covered again by the dispatch that follows.
   */
  #coverAgain(owner: Waiter<T>): void {
    this.#creates.unlink(owner);
    if (owner.failsFast && !this.#isShuttingDown() && this.#creates.mayStart()) this.#startCreate(owner);
  }

  /**
   * A create failed or timed out (already counted and backed off): its owner gets the error, else it is reported.
   * Follow-up creates start from the retry timer.
   */
  #onCreateFailed(create: CreateOperation<Waiter<T>>, error: PoolError): void {
    const owner = create.owner;
    if (owner !== null && this.#tellsOwner(owner)) {
      this.#settle(owner, undefined, error);
    } else {
      // Nobody is told by a rejection (no owner, or `propagateCreateError: false`): report it; the owner keeps
      // waiting and gets another create once the backoff allows.
      if (owner !== null) this.#creates.unlink(owner);
      if (!this.#isShuttingDown()) this.#report(error);
    }
  }

  /** Whether a create failure rejects its owner: always for a fail-fast caller, else per `propagateCreateError`. */
  #tellsOwner(owner: Waiter<T>): boolean {
    return this.#options.propagateCreateError || owner.failsFast;
  }

  /** A shrink cancels background creates (no caller owns them) while the pool is over its size. */
  #cancelSurplusCreates(): void {
    const reason = new DOMException(SHRINK_REASON, 'AbortError');
    this.#creates.cancelUnowned(() => this.#total() > this.#size, reason);
  }

  /** Creates in the background until `minIdle` resources are idle or on their way. */
  #fillMinIdle(): void {
    if (this.#closing !== undefined || this.#options.minIdle === 0) return;
    while (this.#idle.length + this.#creates.unownedCount < this.#options.minIdle && this.#room() > 0) {
      if (!this.#creates.mayStart()) {
        this.#creates.scheduleRetry();
        return;
      }
      this.#startCreate(null);
    }
  }

  // ---- destroy, housekeeping, close ---------------------------------------------------------------------------

  /**
   * Destroys an entry exactly once. The returned promise never rejects: errors are counted and emitted, and a
   * destroy that outlives `destroyTimeoutMs` is reported as `DESTROY_TIMEOUT` and counts as done. `awaited`: a
   * caller waits on the result (release, resize, close), so its timer keeps the process alive.
   */
  #destroy(entry: Entry<T>, awaited = false): Promise<void> {
    entry.state = 'destroyed';
    this.#entries.delete(entry.resource);
    if (entry.leakTimer !== undefined) clearTimeout(entry.leakTimer);
    const operation = new DestroyOperation(entry.resource);
    const keepAlive = awaited || this.#closing !== undefined;
    operation.timer = startTimer(this.#onDestroyTimeoutBound, this.#options.destroyTimeoutMs, operation, keepAlive);
    this.#destroying.add(operation);
    Promise.resolve()
      .then(() => this.#factory.destroy(entry.resource))
      .then(
        () => this.#onDestroyed(operation, undefined),
        (error: unknown) => this.#onDestroyed(operation, new DestroyError(error)),
      );
    return operation.done;
  }

  #onDestroyTimeout(operation: DestroyOperation<T>): void {
    operation.timer = undefined;
    this.#onDestroyed(operation, new DestroyTimeoutError(this.#options.destroyTimeoutMs));
  }

  /** One path for every end of a destroy: settled, failed, timed out, or given up by a close deadline. */
  #onDestroyed(operation: DestroyOperation<T>, error: PoolError | undefined): void {
    if (!this.#destroying.delete(operation)) return; // settled late, after a timeout already counted it
    if (operation.timer !== undefined) clearTimeout(operation.timer);
    if (error !== undefined) {
      this.#counters.destroyErrors++;
      this.#report(error);
    }
    this.#counters.destroyed++;
    if (diagnosticChannels.destroy.hasSubscribers) {
      diagnosticChannels.destroy.publish({ pool: this, resource: operation.resource });
    }
    if (this.#listened.destroy) this.emit('destroy', operation.resource);
    operation.finish();
    this.#checkClosed();
  }

  #startReaper(): void {
    const { idleTimeoutMs, maxLifetimeMs, hardIdleTimeoutMs } = this.#options;
    if (!this.#checksExpiry) return;
    const intervalMs = Math.min(1_000, Math.max(10, Math.min(idleTimeoutMs, maxLifetimeMs, hardIdleTimeoutMs) / 2));
    this.#reaperTimer = setInterval(() => this.#reap(), intervalMs);
    this.#reaperTimer.unref();
  }

  /** Destroys idle resources past `idleTimeoutMs` (down to `minIdle`) or past `maxLifetimeMs`. */
  #reap(): void {
    const now = Date.now();
    let keep = this.#idle.length;
    const expired = this.#idle.removeWhere((entry) => {
      const stale = this.#isExpired(entry, now, keep > this.#options.minIdle) || this.#isIdleTooLong(entry, now);
      if (stale) keep--;
      return stale;
    });
    for (const entry of expired) void this.#destroy(entry);
    this.#fillMinIdle();
  }

  #checkClosed(): void {
    // While a `serveWaiting` close still serves queued callers, nothing being alive is not the end: a retry may serve one.
    if (this.#finishClose === undefined || this.#servingWaiting) return;
    if (this.#entries.size > 0 || this.#creates.awaitedCount > 0 || this.#destroying.size > 0) return;
    clearTimeout(this.#closeTimer);
    this.#closeTimer = undefined;
    const finish = this.#finishClose;
    this.#finishClose = undefined;
    finish();
  }

  // ---- small helpers ----------------------------------------------------------------------------------------

  #total(): number {
    return this.#idle.length + this.#inUse + this.#creates.count;
  }

  #room(): number {
    return this.#size - this.#total();
  }

  #snapshot(): PoolSnapshot {
    return {
      size: this.#size,
      idle: this.#idle.length,
      inUse: this.#inUse,
      creating: this.#creates.count,
      waiting: this.#queue.count,
    };
  }

  #validatesOnAcquire(): boolean {
    return this.#factory.validate !== undefined && this.#options.validateOnAcquire;
  }

  #isBroken(resource: T): boolean {
    if (this.#factory.isBroken === undefined) return false;
    try {
      return this.#factory.isBroken(resource) === true;
    } catch {
      return true;
    }
  }

  /**
   * Publishes `create`, `acquire` or `release` with its timing (see {@link PoolEventMap}). The hot paths call it only
   * when someone listens (checked by name at the call site, which stays monomorphic).
   */
  #emit(event: TimedEvent, resource: T, timingMs: number): void {
    const channel = diagnosticChannels[event];
    if (channel.hasSubscribers) channel.publish(timedMessage(event, this, resource, timingMs));
    if (this.#listened[event]) (this as EventEmitter).emit(event, resource, timingMs);
  }

  /** Whether anyone listens for wait times (the `acquire` and `acquireFailed` events or channels). */
  #timesWaits(): boolean {
    return (
      this.#listened.acquire ||
      this.#listened.acquireFailed ||
      diagnosticChannels.acquire.hasSubscribers ||
      diagnosticChannels.acquireFailed.hasSubscribers
    );
  }

  /** Waiter hook: a caller's acquire was rejected; publishes `acquireFailed` with how long it waited. */
  #onAcquireFailed(waiter: Waiter<T>, error: unknown): void {
    if (error instanceof PoolError) this.#publishAcquireFailed(error, elapsedSince(waiter.startedAt));
  }

  /** Rejects an acquire that never waited (closed pool, signal already aborted), publishing `acquireFailed`. */
  #failAtOnce(error: PoolError): Promise<T> {
    this.#publishAcquireFailed(error, 0);
    return Promise.reject(error);
  }

  #publishAcquireFailed(error: PoolError, waitMs: number): void {
    const channel = diagnosticChannels.acquireFailed;
    if (channel.hasSubscribers) channel.publish({ pool: this, error, code: error.code, waitMs });
    if (this.#listened.acquireFailed) this.emit('acquireFailed', error, waitMs);
  }

  /** Surfaces an error nobody awaits: `error` listeners, the diagnostics channel, else a process warning. */
  #report(error: PoolError): void {
    if (diagnosticChannels.error.hasSubscribers) diagnosticChannels.error.publish({ pool: this, error });
    if (this.listenerCount('error') > 0) this.emit('error', error);
    else process.emitWarning(error.message, { type: 'PoolWarning', code: error.code });
  }
}

type LifecycleEvent = 'create' | 'destroy' | 'acquire' | 'release' | 'acquireFailed';
type TimedEvent = 'create' | 'acquire' | 'release';

/** The diagnostics channel message of a timed event: each names its timing field. */
function timedMessage<T>(event: TimedEvent, pool: Pool<T>, resource: T, timingMs: number): object {
  if (event === 'acquire') return { pool, resource, waitMs: timingMs };
  if (event === 'release') return { pool, resource, useMs: timingMs };
  return { pool, resource, durationMs: timingMs };
}

/**
 * Creates a pool.
 * @param factory - makes and destroys resources (a generic-pool factory fits as-is).
 * @param options - see {@link PoolOptions}.
 * @throws InvalidFactoryError (`INVALID_FACTORY`), InvalidOptionError (`INVALID_OPTION`)
 * @example
 * ```ts
 * const pool = createPool({ create: () => connect(), destroy: (connection) => connection.end() }, { size: 4 });
 * const answer = await pool.use((connection) => connection.query('SELECT 42'));
 * await pool.close();
 * ```
 */
export function createPool<T>(factory: Factory<T>, options?: PoolOptions): Pool<T> {
  return new Pool(factory, options);
}

function captureStack(): string {
  const holder: { stack?: string } = {};
  Error.captureStackTrace(holder, captureStack);
  return `Acquired at:${(holder.stack ?? '').replace(/^Error\n?/, '\n')}`;
}

/** Milliseconds since a `performance.now()` reading; `NaN` (without reading the clock) when none was taken. */
function elapsedSince(start: number): number {
  return Number.isNaN(start) ? start : performance.now() - start;
}

function isObject(value: unknown): value is object {
  return (typeof value === 'object' && value !== null) || typeof value === 'function';
}

function noop(): void {}
