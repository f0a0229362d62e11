import { InvalidFactoryError, InvalidOptionError } from './errors.js';

/**
 * Creates, destroys and checks the pooled resources. A generic-pool factory fits as-is.
 *
 * @typeParam T - the resource type; each created resource must be a distinct value (objects, typically).
 */
export interface Factory<T> {
  /**
   * Makes a new resource.
   * @param signal - aborts when the pool closes, the create times out (`createTimeoutMs`) or a shrink cancels it;
   *   a factory that honours it stops work early. Whatever it still returns is destroyed.
   */
  create(signal?: AbortSignal): T | Promise<T>;
  /** Releases everything the resource holds. Called exactly once per created resource. */
  destroy(resource: T): void | Promise<void>;
  /**
   * Checks an idle resource before it is handed out. Only `false`, a throw, a rejection or a hang longer than
   * `validateTimeoutMs` mean "invalid" (the resource is destroyed and the next one is tried); any other answer, such
   * as `'PONG'` from a ping, means valid (generic-pool's rule).
   */
  validate?(resource: T): unknown;
  /** Says on release whether the resource broke while in use (pyredis' `conn.closed`). A throw counts as broken. */
  isBroken?(resource: T): boolean;
}

/**
 * Options of {@link createPool}. Every one is validated; unknown keys and `null` values are rejected. Durations are in
 * milliseconds; one above 2^31 − 1 (about 24.8 days, the longest timer Node keeps) counts as `Infinity`.
 */
export interface PoolOptions {
  /**
   * Most resources alive at once (idle + in use + being created). pyredis' `pool_size`.
   * Minimum: 1. @default 16
   */
  size?: number;
  /**
   * When a released resource is broken, also destroy every idle resource and retire every in-use one
   * (it is destroyed when released). pyredis' `close_on_err`. @default false
   */
  closeOnError?: boolean;
  /**
   * How long `acquire()` waits in the FIFO queue when no resource is free. `0` fails fast with
   * `POOL_EXHAUSTED` (as pyredis' `AsyncBasePool` does); `Infinity` waits until served. Minimum: 0. @default 0
   */
  acquireTimeoutMs?: number;
  /** Most callers queued at once; the next one fails with `QUEUE_FULL`. Minimum: 0. @default Infinity */
  maxWaiting?: number;
  /** How long one `create()` may take before it is aborted with `CREATE_TIMEOUT`. Minimum: 1. @default 30000 */
  createTimeoutMs?: number;
  /**
   * How long one `destroy()` may take. One that does not settle in time is reported as `DESTROY_TIMEOUT`, counted in
   * `destroyErrors`, and counts as done, so a stuck destroy never holds up `release()`, `resize()` or `close()`.
   * Minimum: 1. @default 5000
   */
  destroyTimeoutMs?: number;
  /** How long one `validate()` may take before the resource counts as invalid. Minimum: 1. @default 5000 */
  validateTimeoutMs?: number;
  /** Idle resources unused this long are destroyed (down to `minIdle`). `Infinity` keeps them. @default Infinity */
  idleTimeoutMs?: number;
  /** Resources older than this are destroyed when next idle or released. `Infinity` keeps them. @default Infinity */
  maxLifetimeMs?: number;
  /** Idle resources kept ready in the background, created eagerly. Range: 0 to `size`. @default 0 */
  minIdle?: number;
  /**
   * A resource held longer than this emits `leak` once, with the stack of the acquire that took it.
   * `Infinity` turns detection off (it costs a stack capture per acquire). @default Infinity
   */
  leakDetectionMs?: number;
  /**
   * First delay of the backoff after a create failure; doubles per failure, with jitter. A burst of creates failing
   * together counts as one failure; while backing off at most one create (a probe) runs, and the first success ends
   * the backoff. Minimum: 0. @default 100
   */
  createRetryDelayMs?: number;
  /** Cap of the backoff delay, so a recovered backend is found within about this long. Minimum: 0. @default 1000 */
  createRetryMaxDelayMs?: number;
  /**
   * Which idle resource `acquire()` takes: `'lifo'` the most recently released (keeps a small hot set, lets the rest
   * expire), `'fifo'` the one released longest ago (spreads use over all of them; generic-pool's `fifo: true`).
   * @default 'lifo'
   */
  idleOrder?: 'lifo' | 'fifo';
  /**
   * Number of priority levels of `acquire({ priority })`: 0 is the highest, `priorityRange - 1` the lowest; waiters
   * are served by level, then in arrival order (generic-pool's `priorityRange`). Minimum: 1. @default 1
   */
  priorityRange?: number;
  /** Run `factory.validate` on an idle resource before handing it out (generic-pool's `testOnBorrow`). @default true */
  validateOnAcquire?: boolean;
  /**
   * Run `factory.validate` on a released resource before it is reused; an invalid one is destroyed (generic-pool's
   * `testOnReturn`). `release()` resolves once the verdict is in. @default false
   */
  validateOnRelease?: boolean;
  /**
   * `true`: a failed create rejects the acquire it was started for, with `CREATE_FAILED`. `false`: the error is
   * emitted as `error` and the caller keeps waiting (until its `timeoutMs`) while the create is retried with backoff
   * (tarn's `propagateCreateError`; generic-pool's behaviour). A fail-fast acquire is always rejected. @default true
   */
  propagateCreateError?: boolean;
  /**
   * Idle resources unused this long are destroyed even when kept for `minIdle` (they are then replaced): for servers
   * that drop idle connections. `idleTimeoutMs` stops at `minIdle`; this does not (generic-pool's `idleTimeoutMillis`
   * with its evictor on). `Infinity` turns it off. Minimum: 1. @default Infinity
   */
  hardIdleTimeoutMs?: number;
}

/** The defaults, in one place. Applied with `??`, so an explicit `0` stays `0`. */
export const DEFAULTS = {
  /** See {@link PoolOptions.size}. */
  size: 16,
  /** See {@link PoolOptions.closeOnError}. */
  closeOnError: false,
  /** See {@link PoolOptions.acquireTimeoutMs}. */
  acquireTimeoutMs: 0,
  /** See {@link PoolOptions.maxWaiting}. */
  maxWaiting: Infinity,
  /** See {@link PoolOptions.createTimeoutMs}. */
  createTimeoutMs: 30_000,
  /** See {@link PoolOptions.destroyTimeoutMs}. */
  destroyTimeoutMs: 5_000,
  /** See {@link PoolOptions.validateTimeoutMs}. */
  validateTimeoutMs: 5_000,
  /** See {@link PoolOptions.idleTimeoutMs}. */
  idleTimeoutMs: Infinity,
  /** See {@link PoolOptions.maxLifetimeMs}. */
  maxLifetimeMs: Infinity,
  /** See {@link PoolOptions.minIdle}. */
  minIdle: 0,
  /** See {@link PoolOptions.leakDetectionMs}. */
  leakDetectionMs: Infinity,
  /** See {@link PoolOptions.createRetryDelayMs}. */
  createRetryDelayMs: 100,
  /** See {@link PoolOptions.createRetryMaxDelayMs}. */
  createRetryMaxDelayMs: 1_000,
  /** See {@link PoolOptions.idleOrder}. */
  idleOrder: 'lifo',
  /** See {@link PoolOptions.priorityRange}. */
  priorityRange: 1,
  /** See {@link PoolOptions.validateOnAcquire}. */
  validateOnAcquire: true,
  /** See {@link PoolOptions.validateOnRelease}. */
  validateOnRelease: false,
  /** See {@link PoolOptions.propagateCreateError}. */
  propagateCreateError: true,
  /** See {@link PoolOptions.hardIdleTimeoutMs}. */
  hardIdleTimeoutMs: Infinity,
} as const satisfies Required<PoolOptions>;

/** Options after defaults and validation. */
export type ResolvedPoolOptions = {
  -readonly [K in keyof typeof DEFAULTS]: (typeof DEFAULTS)[K] extends boolean
    ? boolean
    : (typeof DEFAULTS)[K] extends number
      ? number
      : Required<PoolOptions>[K];
};

const KNOWN_OPTIONS = new Set<string>(Object.keys(DEFAULTS));

/**
 * Refuses a key a per-call options object does not have (`acquire({ acquireTimeoutMs })` would otherwise fail fast
 * where the caller meant to wait).
 * @param what - the call, for the message (`acquire`); @param known - its option names, in the order to list them.
 * @throws InvalidOptionError (`INVALID_OPTION`) naming the key and the call's options.
 */
export function validateCallOptionKeys(what: string, options: object, known: readonly string[]): void {
  for (const key in options) {
    if (!known.includes(key)) throw new InvalidOptionError(`unknown ${what} option ${key} (the options are ${known.join(', ')})`);
  }
}

/**
 * Applies {@link DEFAULTS} and checks every option.
 * @throws InvalidOptionError (`INVALID_OPTION`) naming the option, its value and the allowed range.
 */
export function resolveOptions(options: PoolOptions | undefined): ResolvedPoolOptions {
  if (options !== undefined && (options === null || typeof options !== 'object')) {
    throw new InvalidOptionError(`options must be an object, got ${show(options)}`);
  }
  const given = options ?? {};
  for (const [key, value] of Object.entries(given)) {
    if (!KNOWN_OPTIONS.has(key)) throw new InvalidOptionError(`unknown option ${key}`);
    // `??` would quietly turn null into the default; a null is a mistake worth naming.
    if (value === null) throw new InvalidOptionError(`${key} must not be null (omit it for the default)`);
  }
  const resolved: ResolvedPoolOptions = {
    size: validateSize(given.size ?? DEFAULTS.size),
    closeOnError: validateBoolean('closeOnError', given.closeOnError ?? DEFAULTS.closeOnError),
    acquireTimeoutMs: validateDuration('acquireTimeoutMs', given.acquireTimeoutMs ?? DEFAULTS.acquireTimeoutMs, 0),
    maxWaiting: validateCount('maxWaiting', given.maxWaiting ?? DEFAULTS.maxWaiting, 0, true),
    createTimeoutMs: validateDuration('createTimeoutMs', given.createTimeoutMs ?? DEFAULTS.createTimeoutMs, 1),
    destroyTimeoutMs: validateDuration('destroyTimeoutMs', given.destroyTimeoutMs ?? DEFAULTS.destroyTimeoutMs, 1),
    validateTimeoutMs: validateDuration('validateTimeoutMs', given.validateTimeoutMs ?? DEFAULTS.validateTimeoutMs, 1),
    idleTimeoutMs: validateDuration('idleTimeoutMs', given.idleTimeoutMs ?? DEFAULTS.idleTimeoutMs, 1),
    maxLifetimeMs: validateDuration('maxLifetimeMs', given.maxLifetimeMs ?? DEFAULTS.maxLifetimeMs, 1),
    minIdle: validateCount('minIdle', given.minIdle ?? DEFAULTS.minIdle, 0, false),
    leakDetectionMs: validateDuration('leakDetectionMs', given.leakDetectionMs ?? DEFAULTS.leakDetectionMs, 1),
    createRetryDelayMs: validateDuration('createRetryDelayMs', given.createRetryDelayMs ?? DEFAULTS.createRetryDelayMs, 0),
    createRetryMaxDelayMs: validateDuration(
      'createRetryMaxDelayMs',
      given.createRetryMaxDelayMs ?? DEFAULTS.createRetryMaxDelayMs,
      0,
    ),
    idleOrder: validateIdleOrder(given.idleOrder ?? DEFAULTS.idleOrder),
    priorityRange: validateCount('priorityRange', given.priorityRange ?? DEFAULTS.priorityRange, 1, false),
    validateOnAcquire: validateBoolean('validateOnAcquire', given.validateOnAcquire ?? DEFAULTS.validateOnAcquire),
    validateOnRelease: validateBoolean('validateOnRelease', given.validateOnRelease ?? DEFAULTS.validateOnRelease),
    propagateCreateError: validateBoolean('propagateCreateError', given.propagateCreateError ?? DEFAULTS.propagateCreateError),
    hardIdleTimeoutMs: validateDuration('hardIdleTimeoutMs', given.hardIdleTimeoutMs ?? DEFAULTS.hardIdleTimeoutMs, 1),
  };
  if (resolved.minIdle > resolved.size) {
    throw new InvalidOptionError(`minIdle must be <= size (${resolved.size}), got ${resolved.minIdle}`);
  }
  if (resolved.createRetryMaxDelayMs < resolved.createRetryDelayMs) {
    throw new InvalidOptionError(
      `createRetryMaxDelayMs must be >= createRetryDelayMs (${resolved.createRetryDelayMs}), got ${resolved.createRetryMaxDelayMs}`,
    );
  }
  if (resolved.idleTimeoutMs !== Infinity && resolved.maxLifetimeMs !== Infinity && resolved.idleTimeoutMs > resolved.maxLifetimeMs) {
    throw new InvalidOptionError(
      `idleTimeoutMs (${resolved.idleTimeoutMs}) must not exceed maxLifetimeMs (${resolved.maxLifetimeMs})`,
    );
  }
  return resolved;
}

/**
 * Checks a pool size (construction, `resize`, the `size` setter).
 * @throws InvalidOptionError (`INVALID_OPTION`)
 */
export function validateSize(value: unknown): number {
  return validateCount('size', value, 1, false);
}

/** Checks a whole number `>= min` (`Infinity` allowed when `allowInfinity`). */
export function validateCount(name: string, value: unknown, min: number, allowInfinity: boolean): number {
  const isWhole = typeof value === 'number' && (Number.isSafeInteger(value) || (allowInfinity && value === Infinity));
  if (!isWhole || value < min) {
    const range = allowInfinity ? `an integer >= ${min} or Infinity` : `an integer >= ${min}`;
    throw new InvalidOptionError(`${name} must be ${range}, got ${show(value)}`);
  }
  return value;
}

/** Checks a duration in milliseconds: a number `>= min`, `Infinity` allowed. */
export function validateDuration(name: string, value: unknown, min: number): number {
  if (typeof value !== 'number' || Number.isNaN(value) || value < min) {
    throw new InvalidOptionError(`${name} must be a number of milliseconds >= ${min} or Infinity, got ${show(value)}`);
  }
  return value;
}

function validateIdleOrder(value: unknown): 'lifo' | 'fifo' {
  if (value !== 'lifo' && value !== 'fifo') throw new InvalidOptionError(`idleOrder must be 'lifo' or 'fifo', got ${show(value)}`);
  return value;
}

function validateBoolean(name: string, value: unknown): boolean {
  if (typeof value !== 'boolean') throw new InvalidOptionError(`${name} must be a boolean, got ${show(value)}`);
  return value;
}

/**
 * Checks the factory's shape.
 * @throws InvalidFactoryError (`INVALID_FACTORY`)
 */
export function validateFactory<T>(factory: unknown): Factory<T> {
  if (factory === null || typeof factory !== 'object') {
    throw new InvalidFactoryError(`factory must be an object with create() and destroy(), got ${show(factory)}`);
  }
  const candidate = factory as Record<string, unknown>;
  for (const required of ['create', 'destroy'] as const) {
    if (typeof candidate[required] !== 'function') {
      throw new InvalidFactoryError(`factory.${required} must be a function, got ${show(candidate[required])}`);
    }
  }
  for (const optional of ['validate', 'isBroken'] as const) {
    if (candidate[optional] !== undefined && typeof candidate[optional] !== 'function') {
      throw new InvalidFactoryError(`factory.${optional} must be a function when given, got ${show(candidate[optional])}`);
    }
  }
  return factory as Factory<T>;
}

/** Renders a bad value for an error message: short, typed, never an object's contents. */
export function show(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value);
  if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint') return String(value);
  if (value === null || value === undefined) return String(value);
  if (typeof value === 'function') return 'a function';
  return Array.isArray(value) ? 'an array' : `an ${typeof value}`;
}
