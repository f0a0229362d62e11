import { EventEmitter } from 'node:events';
import { PoolClosedError, PoolError, ReleaseError } from '../errors.js';
import { InvalidOptionError } from '../errors.js';
import { validateFactory, type Factory } from '../options.js';
import { Pool as CorePool } from '../pool.js';
import { toGenericPoolError } from './errors.js';
import { parseGenericPoolOptions, type GenericPoolFactory, type GenericPoolOptions, type ParsedGenericPoolOptions } from './options.js';

/** Events of the generic-pool {@link Pool}, with generic-pool's names. */
export interface GenericPoolEventMap {
  /** `factory.create` threw, rejected or timed out (`createTimeoutMs`); the create is retried with backoff. */
  factoryCreateError: [error: unknown];
  /** `factory.destroy` threw, rejected or did not settle within `destroyTimeoutMillis` ("destroy timed out"). */
  factoryDestroyError: [error: unknown];
}

/** What `_scheduledEviction` holds while idle resources are checked for eviction. */
export interface EvictionSchedule {
  /** The configured `evictionRunIntervalMillis` (0: the engine's own schedule, above `min` only). */
  readonly evictionRunIntervalMillis: number;
}

/**
 * generic-pool 3.9's `Pool`, as a thin layer over `@pool/core`'s engine: one engine does the pooling, this class
 * speaks generic-pool's API (names, defaults, counters, events, messages). Create it with {@link createPool}.
 *
 * Unlike generic-pool: a failing `create` is retried with backoff, so a waiting `acquire()` is served once the
 * factory recovers; a `destroy` that never settles cannot hang `drain()` / `clear()` (`destroyTimeoutMillis`, default
 * 5000); idle resources above `min` are evicted without switching the evictor on; the counters are the engine's own,
 * read at each access, so they cannot drift.
 *
 * @typeParam T - the resource type.
 */
export class Pool<T> extends EventEmitter<GenericPoolEventMap> {
  readonly #factory: Factory<T>;
  readonly #options: ParsedGenericPoolOptions;
  #core: CorePool<T> | undefined = undefined;
  #draining = false;
  #drained = false;
  #closed: Promise<void> | undefined = undefined;
  #started: Promise<void> | undefined = undefined;
  #markStarted: (() => void) | undefined = undefined;
  readonly #mapError: (error: unknown) => never;

  /**
   * @param factory - generic-pool's factory: `create`, `destroy`, optional `validate`.
   * @param options - generic-pool's options; see {@link GenericPoolOptions}.
   * @throws InvalidFactoryError (`INVALID_FACTORY`), InvalidOptionError (`INVALID_OPTION`)
   */
  constructor(factory: GenericPoolFactory<T>, options?: GenericPoolOptions) {
    super();
    const checked = validateFactory<T>(factory) as unknown as GenericPoolFactory<T>;
    this.#options = parseGenericPoolOptions(options);
    // generic-pool calls the factory's methods on the factory itself, without arguments (no abort signal).
    this.#factory = {
      create: () => checked.create(),
      destroy: (resource: T) => checked.destroy(resource),
      ...(typeof checked.validate === 'function'
        ? { validate: (resource: T) => (checked.validate as (resource: T) => boolean | PromiseLike<boolean>).call(checked, resource) }
        : {}),
    } as Factory<T>;
    const acquireTimeoutMs = this.#options.acquireTimeoutMillis;
    this.#mapError = (error: unknown): never => {
      throw toGenericPoolError(error, acquireTimeoutMs);
    };
    if (this.#options.autostart) this.start();
  }

  /** Resources alive or being created (idle + borrowed + creating). */
  get size(): number {
    const stats = this.#core?.stats();
    return stats === undefined ? 0 : stats.idle + stats.inUse + stats.creating;
  }

  /** Idle resources ready to hand out. */
  get available(): number {
    return this.#core?.stats().idle ?? 0;
  }

  /** Resources handed out (including one being validated for a caller). */
  get borrowed(): number {
    return this.#core?.stats().inUse ?? 0;
  }

  /** Callers waiting in `acquire()`. */
  get pending(): number {
    return this.#core?.stats().waiting ?? 0;
  }

  /** How many more resources the pool may create: `max - size`. */
  get spareResourceCapacity(): number {
    return this.#options.max - this.size;
  }

  /** The `max` option, after generic-pool's parsing. */
  get max(): number {
    return this.#options.max;
  }

  /** The `min` option, after generic-pool's parsing (capped at `max`). */
  get min(): number {
    return this.#options.min;
  }

  /**
   * Mirrors generic-pool's private field, which some code reads: `null` until the pool starts and after `drain()`,
   * else a description of the eviction schedule.
   * @internal
   */
  get _scheduledEviction(): EvictionSchedule | null {
    if (this.#core === undefined || this.#drained) return null;
    return { evictionRunIntervalMillis: this.#options.evictionRunIntervalMillis };
  }

  /** Starts the pool: creates `min` resources and starts eviction. Called by the constructor unless `autostart: false`, and by the first `acquire()`. */
  start(): void {
    if (this.#draining || this.#core !== undefined) return;
    const core = new CorePool<T>(this.#factory, this.#options.core);
    core.on('error', (error) => this.#onEngineError(error));
    this.#core = core;
    this.#markStarted?.();
  }

  /**
   * Takes a resource: an idle one (validated first with `testOnBorrow`), else a new one, else waits, by priority
   * then in arrival order, until served or `acquireTimeoutMillis` passes. A failing create does not reject it: the
   * error is emitted as `factoryCreateError` and the create is retried with backoff while the caller waits.
   *
   * @param priority - 0 (highest) to `priorityRange - 1`; anything else counts as the lowest. @default 0
   * @throws TimeoutError (`ACQUIRE_TIMEOUT`), QueueFullError (`QUEUE_FULL`, "max waitingClients count exceeded"),
   *   PoolClosedError (`POOL_CLOSED`, "pool is draining and cannot accept work") — as rejections.
   * @example
   * ```ts
   * const client = await pool.acquire();
   * try { await client.query('SELECT 1'); } finally { await pool.release(client); }
   * ```
   */
  acquire(priority?: number): Promise<T> {
    if (this.#core === undefined) this.start();
    const core = this.#core;
    if (this.#draining || core === undefined) return this.#reject(new PoolClosedError());
    const level = this.#priority(priority);
    return this.#wrap(core.acquire(level === 0 ? undefined : { priority: level }).catch(this.#mapError));
  }

  /**
   * Gives a borrowed resource back (validated first with `testOnReturn`; an invalid one is destroyed).
   * @throws ReleaseError (`RELEASE_INVALID`, "Resource not currently part of this pool") as a rejection.
   */
  release(resource: T): Promise<void> {
    const core = this.#core;
    if (core === undefined) return this.#reject(new ReleaseError('unknown'));
    return this.#wrap(core.release(resource).catch(this.#mapError));
  }

  /**
   * Destroys a borrowed resource instead of giving it back; a replacement is created if callers wait or `min` needs
   * one. Destroy errors are emitted as `factoryDestroyError`, never thrown here.
   * @throws ReleaseError (`RELEASE_INVALID`, "Resource not currently part of this pool") as a rejection.
   */
  destroy(resource: T): Promise<void> {
    const core = this.#core;
    if (core === undefined) return this.#reject(new ReleaseError('unknown'));
    return this.#wrap(core.destroy(resource).catch(this.#mapError));
  }

  /**
   * Acquires a resource, runs `fn` with it, and releases it when `fn` settles; when `fn` fails, the resource is
   * destroyed instead (generic-pool's rule) and `fn`'s error is rethrown.
   * @throws InvalidOptionError (`INVALID_OPTION`) when `fn` is not a function, and whatever `acquire()` throws.
   * @example
   * ```ts
   * const rows = await pool.use((client) => client.query('SELECT 1'));
   * ```
   */
  use<R>(fn: (resource: T) => R | PromiseLike<R>, priority?: number): Promise<R> {
    if (typeof fn !== 'function') return this.#reject(new InvalidOptionError(`use() needs a function, got ${typeof fn}`));
    return this.#wrap(this.#use(fn, priority));
  }

  /** Whether `resource` is currently borrowed from this pool. */
  isBorrowedResource(resource: T): boolean {
    return this.#core?.isInUse(resource) ?? false;
  }

  /** Resolves once `min` resources are idle (at once when `min` is 0); waits for `start()` when not started. */
  ready(): Promise<void> {
    const core = this.#core;
    if (core !== undefined) return this.#wrap(core.ready());
    this.#started ??= new Promise<void>((resolve) => {
      this.#markStarted = resolve;
    });
    return this.#wrap(this.#started.then(() => (this.#core as CorePool<T>).ready()));
  }

  /**
   * Stops taking new `acquire()` calls, serves the callers already waiting, and resolves once every borrowed
   * resource came back and every resource is destroyed (each destroy bounded by `destroyTimeoutMillis`).
   * @example
   * ```ts
   * await pool.drain();
   * await pool.clear();
   * ```
   */
  drain(): Promise<void> {
    this.#draining = true;
    this.#closed ??= this.#core === undefined ? Promise.resolve() : this.#core.close({ serveWaiting: true });
    return this.#wrap(
      this.#closed.then(() => {
        this.#drained = true;
      }),
    );
  }

  /**
   * Destroys every resource, waiting for creates in flight; resolves with no value. Called before `drain()`, it
   * drains first (generic-pool would destroy the idle resources and stay open).
   */
  clear(): Promise<void> {
    return this.drain();
  }

  async #use<R>(fn: (resource: T) => R | PromiseLike<R>, priority: number | undefined): Promise<R> {
    const resource = await this.acquire(priority);
    let result: R;
    try {
      result = await fn(resource);
    } catch (error) {
      await this.destroy(resource);
      throw error;
    }
    await this.release(resource);
    return result;
  }

  /** generic-pool's reading of a priority: a non-number is 0, one out of range the lowest. */
  #priority(priority: unknown): number {
    const range = this.#options.core.priorityRange ?? 1;
    const level = Math.trunc(Number(priority)) || 0;
    return level < 0 || level >= range ? range - 1 : level;
  }

  #onEngineError(error: PoolError): void {
    switch (error.code) {
      case 'CREATE_FAILED':
        this.emit('factoryCreateError', error.cause);
        return;
      case 'DESTROY_FAILED':
        this.emit('factoryDestroyError', error.cause);
        return;
      default:
        if (/create/i.test(error.code)) this.emit('factoryCreateError', error);
        else if (/destroy/i.test(error.code)) this.emit('factoryDestroyError', error);
        else process.emitWarning(error.message, { type: 'PoolWarning', code: error.code });
    }
  }

  #reject<V>(error: unknown): Promise<V> {
    return this.#wrap(Promise.reject(toGenericPoolError(error, this.#options.acquireTimeoutMillis)));
  }

  /** Returns the promise through the `Promise` option's library, when one is set. */
  #wrap<V>(promise: Promise<V>): Promise<V> {
    const library = this.#options.Promise;
    return library === undefined ? promise : (library.resolve(promise) as unknown as Promise<V>);
  }
}

/**
 * Creates a generic-pool-compatible pool: `require('generic-pool')` becomes `require('@pool/core/generic-pool')`.
 * @param factory - generic-pool's factory: `create`, `destroy`, optional `validate`.
 * @param options - generic-pool's options; see {@link GenericPoolOptions}.
 * @throws InvalidFactoryError (`INVALID_FACTORY`), InvalidOptionError (`INVALID_OPTION`)
 * @example
 * ```ts
 * const pool = createPool({ create: () => connect(), destroy: (client) => client.end() }, { max: 10, min: 2 });
 * const answer = await pool.use((client) => client.query('SELECT 42'));
 * await pool.drain();
 * await pool.clear();
 * ```
 */
export function createPool<T>(factory: GenericPoolFactory<T>, options?: GenericPoolOptions): Pool<T> {
  return new Pool(factory, options);
}
