import { InvalidOptionError } from '../errors.js';
import { show, type PoolOptions } from '../options.js';

/**
 * The factory generic-pool 3.9 takes: `create`, `destroy` and, for `testOnBorrow` / `testOnReturn`, `validate`.
 * `validate` resolving anything but `false` means valid.
 *
 * @typeParam T - the resource type; each created resource must be a distinct value (objects, typically).
 */
export interface GenericPoolFactory<T> {
  /** Makes a new resource. A throw or rejection is emitted as `factoryCreateError` and the create is retried. */
  create(): T | PromiseLike<T>;
  /** Releases everything the resource holds. A throw, rejection or timeout is emitted as `factoryDestroyError`. */
  destroy(resource: T): unknown;
  /** Checks a resource on borrow (`testOnBorrow`) or on return (`testOnReturn`); `false` means "destroy it". */
  validate?(resource: T): boolean | PromiseLike<boolean>;
}

/** A promise library with a `resolve` like the built-in one (generic-pool's `Promise` option, e.g. Bluebird). */
export interface PromiseLibrary {
  resolve<V>(value: V | PromiseLike<V>): PromiseLike<Awaited<V>>;
}

/**
 * generic-pool 3.9's options, with its names, defaults and forgiving parsing: numbers go through `parseInt`, a value
 * that does not parse falls back to the default, and unknown keys are ignored, exactly as generic-pool does it.
 * Durations are in milliseconds.
 */
export interface GenericPoolOptions {
  /** Most resources alive at once (idle + borrowed + being created). Minimum: 1. @default 1 */
  max?: number;
  /**
   * Idle resources kept ready in the background, created at start (the engine's `minIdle`). Capped at `max`.
   * generic-pool counts borrowed resources toward `min`; here they do not, so under load up to `min` more may be
   * alive, never more than `max`. @default 0
   */
  min?: number;
  /** Most callers queued at once; the next one is rejected with "max waitingClients count exceeded". @default no limit */
  maxWaitingClients?: number;
  /** Validate an idle resource (`factory.validate`) before it is handed out. @default false */
  testOnBorrow?: boolean;
  /** Validate a resource when it is released; an invalid one is destroyed. @default false */
  testOnReturn?: boolean;
  /** How long `acquire()` waits before it rejects with {@link TimeoutError}. @default wait until served */
  acquireTimeoutMillis?: number;
  /**
   * How long one `factory.destroy` may take before it is reported as `factoryDestroyError` ("destroy timed out") and
   * counted as done. @default 5000 (generic-pool waits forever, which can hang `clear()`)
   */
  destroyTimeoutMillis?: number;
  /** `true`: the idle resource released longest ago is handed out first; `false`: the most recent one. @default true */
  fifo?: boolean;
  /** Number of priority levels of `acquire(priority)`; 0 is the highest. @default 1 */
  priorityRange?: number;
  /** Start (create `min` resources, run the evictor) at once; else at the first `acquire()` or `start()`. @default true */
  autostart?: boolean;
  /**
   * Turns on generic-pool's evictor schedule: `idleTimeoutMillis` then evicts every idle resource, `min` ones too
   * (they are replaced). Without it, idle resources above `min` are still evicted after `idleTimeoutMillis`.
   * @default 0
   */
  evictionRunIntervalMillis?: number;
  /** Accepted for compatibility; every idle resource is checked on each run. @default 3 */
  numTestsPerEvictionRun?: number;
  /** Idle resources above `min` unused this long are evicted. `-1`: off. @default -1 */
  softIdleTimeoutMillis?: number;
  /** Idle resources unused this long are evicted (see `evictionRunIntervalMillis`). @default 30000 */
  idleTimeoutMillis?: number;
  /** The promise library whose promises the pool's methods return. @default the built-in `Promise` */
  Promise?: PromiseLibrary;
}

/** generic-pool 3.9's defaults, in one place (for the options `@pool/core` names differently). */
export const GENERIC_POOL_DEFAULTS = {
  /** See {@link GenericPoolOptions.max}. */
  max: 1,
  /** See {@link GenericPoolOptions.min}. */
  min: 0,
  /** See {@link GenericPoolOptions.maxWaitingClients}. */
  maxWaitingClients: Infinity,
  /** See {@link GenericPoolOptions.testOnBorrow}. */
  testOnBorrow: false,
  /** See {@link GenericPoolOptions.testOnReturn}. */
  testOnReturn: false,
  /** See {@link GenericPoolOptions.acquireTimeoutMillis}. */
  acquireTimeoutMillis: Infinity,
  /** See {@link GenericPoolOptions.fifo}. */
  fifo: true,
  /** See {@link GenericPoolOptions.priorityRange}. */
  priorityRange: 1,
  /** See {@link GenericPoolOptions.autostart}. */
  autostart: true,
  /** See {@link GenericPoolOptions.evictionRunIntervalMillis}. */
  evictionRunIntervalMillis: 0,
  /** See {@link GenericPoolOptions.numTestsPerEvictionRun}. */
  numTestsPerEvictionRun: 3,
  /** See {@link GenericPoolOptions.softIdleTimeoutMillis}. */
  softIdleTimeoutMillis: -1,
  /** See {@link GenericPoolOptions.idleTimeoutMillis}. */
  idleTimeoutMillis: 30_000,
} as const;

/** The options after generic-pool's parsing, and what the adapter itself needs. */
export interface ParsedGenericPoolOptions {
  readonly max: number;
  readonly min: number;
  readonly autostart: boolean;
  readonly evictionRunIntervalMillis: number;
  readonly acquireTimeoutMillis: number;
  readonly Promise: PromiseLibrary | undefined;
  /** The engine's options. */
  readonly core: PoolOptions;
}

/**
 * Parses generic-pool options the way generic-pool 3.9 does and maps them onto `@pool/core`'s.
 * @throws InvalidOptionError (`INVALID_OPTION`) for what generic-pool would fail on later: an options value that is
 *   not an object, a given `acquireTimeoutMillis` / `destroyTimeoutMillis` that is not a positive number, a
 *   `Promise` without `resolve`.
 */
export function parseGenericPoolOptions(options: unknown): ParsedGenericPoolOptions {
  if (options !== undefined && options !== null && typeof options !== 'object') {
    throw new InvalidOptionError(`options must be an object, got ${show(options)}`);
  }
  const given = (options ?? {}) as Record<string, unknown>;
  const max = Math.max(parseInteger(given['max']) ?? GENERIC_POOL_DEFAULTS.max, 1);
  const min = Math.max(Math.min(parseInteger(given['min']) ?? GENERIC_POOL_DEFAULTS.min, max), 0);
  const fifo = booleanOr(given['fifo'], GENERIC_POOL_DEFAULTS.fifo);
  const priorityRange = Math.max(Math.trunc(Number(given['priorityRange']) || 0), GENERIC_POOL_DEFAULTS.priorityRange);
  const waitingClients = given['maxWaitingClients'] === undefined ? undefined : parseInteger(given['maxWaitingClients']);
  const maxWaiting = waitingClients === undefined ? GENERIC_POOL_DEFAULTS.maxWaitingClients : Math.max(waitingClients, 0);
  const acquireTimeoutMillis = positiveDuration('acquireTimeoutMillis', given['acquireTimeoutMillis']);
  const destroyTimeoutMillis =
    given['destroyTimeoutMillis'] ? positiveDuration('destroyTimeoutMillis', given['destroyTimeoutMillis']) : undefined;
  const evictionRunIntervalMillis = numberOr(given['evictionRunIntervalMillis'], 0);
  const softIdleTimeoutMillis = numberOr(given['softIdleTimeoutMillis'], GENERIC_POOL_DEFAULTS.softIdleTimeoutMillis);
  const idleTimeoutMillis = numberOr(given['idleTimeoutMillis'], GENERIC_POOL_DEFAULTS.idleTimeoutMillis);
  const promiseLibrary = given['Promise'];
  if (promiseLibrary !== undefined && promiseLibrary !== null && !isPromiseLibrary(promiseLibrary)) {
    throw new InvalidOptionError(`Promise must be a promise library with resolve(), got ${show(promiseLibrary)}`);
  }
  const softIdleMs = softIdleTimeoutMillis > 0 ? softIdleTimeoutMillis : Infinity;
  const hardIdleMs = idleTimeoutMillis > 0 ? idleTimeoutMillis : GENERIC_POOL_DEFAULTS.idleTimeoutMillis;
  // With the evictor scheduled, generic-pool's idleTimeoutMillis evicts min resources too; without it, the engine
  // still evicts, but only above min, so turning eviction on by default never churns the resources kept for min.
  const evictorScheduled = evictionRunIntervalMillis > 0;
  const core: PoolOptions = {
    size: max,
    minIdle: min,
    maxWaiting,
    acquireTimeoutMs: acquireTimeoutMillis,
    idleTimeoutMs: evictorScheduled ? softIdleMs : Math.min(softIdleMs, hardIdleMs),
    hardIdleTimeoutMs: evictorScheduled ? hardIdleMs : Infinity,
    idleOrder: fifo ? 'fifo' : 'lifo',
    priorityRange,
    validateOnAcquire: booleanOr(given['testOnBorrow'], GENERIC_POOL_DEFAULTS.testOnBorrow),
    validateOnRelease: booleanOr(given['testOnReturn'], GENERIC_POOL_DEFAULTS.testOnReturn),
    propagateCreateError: false,
    ...(destroyTimeoutMillis === undefined ? {} : { destroyTimeoutMs: destroyTimeoutMillis }),
  };
  return {
    max,
    min,
    autostart: booleanOr(given['autostart'], GENERIC_POOL_DEFAULTS.autostart),
    evictionRunIntervalMillis,
    acquireTimeoutMillis,
    Promise: isPromiseLibrary(promiseLibrary) ? promiseLibrary : undefined,
    core,
  };
}

/** `parseInt(String(value), 10)`, as generic-pool parses its counts; `undefined` when that is NaN. */
function parseInteger(value: unknown): number | undefined {
  if (value === undefined || value === null) return undefined;
  const parsed = Number.parseInt(String(value), 10);
  return Number.isNaN(parsed) ? undefined : parsed;
}

function booleanOr(value: unknown, fallback: boolean): boolean {
  return typeof value === 'boolean' ? value : fallback;
}

/** generic-pool's `value || default` for its evictor numbers, but only for values that are numbers. */
function numberOr(value: unknown, fallback: number): number {
  const number = typeof value === 'string' ? Number(value) : value;
  return typeof number === 'number' && !Number.isNaN(number) && number !== 0 ? number : fallback;
}

/** A falsy value means "no limit" (generic-pool's `if (opts.x)`); anything else must parse to a positive number. */
function positiveDuration(name: string, value: unknown): number {
  if (value === undefined || value === null || value === false || value === 0 || value === '') return Infinity;
  const parsed = value === Infinity ? Infinity : Number.parseInt(String(value), 10);
  if (Number.isNaN(parsed) || parsed <= 0) {
    throw new InvalidOptionError(`${name} must be a positive number of milliseconds, got ${show(value)}`);
  }
  return parsed;
}

function isPromiseLibrary(value: unknown): value is PromiseLibrary {
  return (typeof value === 'function' || (typeof value === 'object' && value !== null)) &&
    typeof (value as { resolve?: unknown }).resolve === 'function';
}
