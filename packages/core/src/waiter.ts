import type { CreateOperation } from './create-operation.js';
import { startTimer } from './timers.js';
import type { QueueLinks } from './wait-queue.js';

/** Callbacks bound once by the pool, so a waiter needs no closure of its own for its timer or abort listener. */
export interface WaiterHooks<T> {
  readonly onTimeout: (waiter: Waiter<T>) => void;
  readonly onAbort: (waiter: Waiter<T>, reason: unknown) => void;
  /** The caller's acquire was rejected (called once, after the rejection). */
  readonly onFailed: (waiter: Waiter<T>, error: unknown) => void;
}

/**
 * One caller of `acquire()` that could not be served synchronously: its promise, its timer and its abort listener
 * kept together (tarn's `PendingOperation`). It settles at most once; later calls do nothing.
 */
export class Waiter<T> implements QueueLinks<Waiter<T>> {
  /** The caller's promise. */
  readonly promise: Promise<T>;
  /** True while it sits in the pool's queue (it may also be out of the queue while its resource is validated). */
  queued = false;
  /** Queue links, owned by {@link WaitQueue}. */
  queuePrevious: Waiter<T> | null = null;
  /** Queue links, owned by {@link WaitQueue}. */
  queueNext: Waiter<T> | null = null;
  /** The create started on its behalf, if any; its result goes to this waiter first. */
  create: CreateOperation<Waiter<T>> | null = null;
  /** The pool's create-failure count when it started waiting: a timeout's `cause` is a failure after this mark. */
  failureMark = 0;
  #resolve!: (value: T) => void;
  #reject!: (error: unknown) => void;
  #settled = false;
  #timer: ReturnType<typeof setTimeout> | undefined = undefined;
  #signal: AbortSignal | undefined = undefined;

  readonly #hooks: WaiterHooks<T>;

  constructor(
    hooks: WaiterHooks<T>,
    /** Its own wait limit: 0 = fail fast, `Infinity` = until served. */
    readonly timeoutMs: number,
    /** Stack of the acquire call, captured only when leak detection is on. */
    readonly acquireStack: string | undefined,
    /** `performance.now()` at the acquire call, or `NaN` when nobody listens for wait times. */
    readonly startedAt: number,
    /** Its priority level: 0 is served first. */
    readonly priority: number = 0,
  ) {
    this.#hooks = hooks;
    this.promise = new Promise<T>((resolve, reject) => {
      this.#resolve = resolve;
      this.#reject = reject;
    });
  }

  /** Whether the caller is still waiting. */
  get isPending(): boolean {
    return !this.#settled;
  }

  /** Whether it gives up at once instead of waiting for a release. */
  get failsFast(): boolean {
    return this.timeoutMs === 0;
  }

  /**
   * Starts the wait timer (no-op for fail-fast and infinite waits). It keeps the process alive: a script gets its
   * `ACQUIRE_TIMEOUT` instead of exiting with the acquire pending.
   */
  startTimer(): void {
    if (this.#timer !== undefined || this.timeoutMs === 0 || this.timeoutMs === Infinity) return;
    this.#timer = startTimer(this.#hooks.onTimeout, this.timeoutMs, this, true);
  }

  /** Follows the caller's signal until settled. */
  listen(signal: AbortSignal): void {
    this.#signal = signal;
    signal.addEventListener('abort', this);
  }

  /** EventListener interface: the caller's signal aborted. */
  handleEvent(): void {
    this.#hooks.onAbort(this, this.#signal?.reason);
  }

  /** Hands the resource over. Returns false if it had already settled. */
  resolve(value: T): boolean {
    if (!this.#finish()) return false;
    this.#resolve(value);
    return true;
  }

  /** Fails the acquire. Returns false if it had already settled. */
  reject(error: unknown): boolean {
    if (!this.#finish()) return false;
    this.#reject(error);
    this.#hooks.onFailed(this, error);
    return true;
  }

  #finish(): boolean {
    if (this.#settled) return false;
    this.#settled = true;
    if (this.#timer !== undefined) clearTimeout(this.#timer);
    this.#signal?.removeEventListener('abort', this);
    this.#timer = undefined;
    this.#signal = undefined;
    return true;
  }
}

