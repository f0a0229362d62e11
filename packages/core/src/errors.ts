/**
 * Stable machine-readable codes carried by every {@link PoolError}. Match on `error.code`, never on the message.
 */
export type PoolErrorCode =
  | 'POOL_EXHAUSTED'
  | 'QUEUE_FULL'
  | 'POOL_CLOSED'
  | 'ACQUIRE_TIMEOUT'
  | 'ACQUIRE_ABORTED'
  | 'CREATE_FAILED'
  | 'CREATE_TIMEOUT'
  | 'DESTROY_FAILED'
  | 'DESTROY_TIMEOUT'
  | 'VALIDATE_FAILED'
  | 'RELEASE_INVALID'
  | 'INVALID_OPTION'
  | 'INVALID_FACTORY'
  | 'INVALID_RESOURCE';

/** A point-in-time view of the pool's occupancy, attached to timeout and exhaustion errors. */
export interface PoolSnapshot {
  /** The configured limit. */
  readonly size: number;
  /** Resources parked in the pool, ready to hand out. */
  readonly idle: number;
  /** Resources handed out (or being validated for a caller). */
  readonly inUse: number;
  /** Creates in flight. */
  readonly creating: number;
  /** Callers queued for a resource. */
  readonly waiting: number;
}

/**
 * Where an error class keeps its identity across copies of the package: the ESM and the CommonJS build loaded in
 * one process (or two installed copies) define two `PoolError` classes, and `instanceof` compares identities.
 * A registered symbol (`Symbol.for`) is the same in every copy.
 */
const ERROR_CLASS = Symbol.for('@pool/core.errorClass');

/**
 * Base class of every error thrown or emitted by `@pool/core`, and of adapters' errors (`@pool/redis`'
 * `RedisPoolError` extends it with its own codes), so one `instanceof PoolError` catches every failure of a call.
 *
 * `instanceof` holds across copies of the package: an error made by the CommonJS build is an instance of the ES
 * module build's class of the same name (and of its bases), and the other way round. A class takes part through
 * {@link PoolError.brand}; a subclass that does not is matched by ordinary `instanceof` only.
 *
 * @typeParam Code - the codes this class carries; `@pool/core`'s are {@link PoolErrorCode}. After `instanceof
 *   PoolError`, TypeScript does not narrow `code` (it may be an adapter's): narrow with the subclass, or compare it.
 * @example
 * ```ts
 * try {
 *   await pool.acquire();
 * } catch (error) {
 *   if (error instanceof PoolError && error.code === 'POOL_EXHAUSTED') retryLater();
 * }
 * ```
 */
export class PoolError<Code extends string = PoolErrorCode> extends Error {
  /** Stable identifier of the failure; see {@link PoolErrorCode}. */
  readonly code: Code;

  constructor(code: Code, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
    this.name = new.target.name;
  }

  /**
   * Gives an error class an identity that holds across copies of its package. Call once per class, with an id no
   * other class uses, prefixed with the package's name (`'@pool/core:PoolExhaustedError'`).
   */
  static brand(errorClass: abstract new (...args: never[]) => PoolError<string>, id: string): void {
    Object.defineProperty(errorClass, ERROR_CLASS, { value: id });
  }

  /** `instanceof` by identity: true when `value`'s class, or one of its bases, carries this class's id. */
  static override [Symbol.hasInstance](value: unknown): boolean {
    if (Function.prototype[Symbol.hasInstance].call(this, value)) return true;
    const id = brandOf(this);
    if (id === undefined || typeof value !== 'object' || value === null) return false;
    for (let proto: object | null = Object.getPrototypeOf(value) as object | null; proto !== null; proto = Object.getPrototypeOf(proto) as object | null) {
      if (Object.hasOwn(proto, 'constructor') && brandOf((proto as { constructor: unknown }).constructor) === id) return true;
    }
    return false;
  }
}

/** A class's own id (never its base's, so an unbranded subclass matches by ordinary `instanceof` only). */
function brandOf(errorClass: unknown): string | undefined {
  if (typeof errorClass !== 'function' || !Object.hasOwn(errorClass, ERROR_CLASS)) return undefined;
  const id: unknown = (errorClass as unknown as Record<symbol, unknown>)[ERROR_CLASS];
  return typeof id === 'string' ? id : undefined;
}

/** Fail-fast acquire found no idle resource and no room to create one (pyredis' `Max connections N exhausted`). */
export class PoolExhaustedError extends PoolError {
  /** Pool occupancy when the acquire was refused. */
  readonly snapshot: PoolSnapshot;

  constructor(snapshot: PoolSnapshot) {
    super('POOL_EXHAUSTED', `Max resources ${snapshot.size} exhausted`);
    this.snapshot = snapshot;
  }
}

/** The wait queue already holds `maxWaiting` callers. */
export class QueueFullError extends PoolError {
  /** Pool occupancy when the acquire was refused. */
  readonly snapshot: PoolSnapshot;

  constructor(maxWaiting: number, snapshot: PoolSnapshot) {
    super('QUEUE_FULL', `Wait queue full: maxWaiting ${maxWaiting} callers already waiting`);
    this.snapshot = snapshot;
  }
}

/** The pool was closed: acquires fail, waiters are rejected. */
export class PoolClosedError extends PoolError {
  constructor() {
    super('POOL_CLOSED', 'Pool is closed');
  }
}

/**
 * A queued acquire waited longer than its timeout. `cause` is the latest create error that happened while this
 * caller waited, if any (a stale one from before its wait is never attached).
 */
export class AcquireTimeoutError extends PoolError {
  /** Pool occupancy when the wait ran out. */
  readonly snapshot: PoolSnapshot;

  constructor(timeoutMs: number, snapshot: PoolSnapshot, cause?: unknown) {
    super(
      'ACQUIRE_TIMEOUT',
      `Acquire timed out after ${timeoutMs} ms (size ${snapshot.size}, idle ${snapshot.idle}, in use ${snapshot.inUse}, ` +
        `creating ${snapshot.creating}, waiting ${snapshot.waiting})`,
      cause === undefined ? undefined : { cause },
    );
    this.snapshot = snapshot;
  }
}

/** The caller's `AbortSignal` aborted the acquire. `cause` is the signal's reason. */
export class AcquireAbortedError extends PoolError {
  constructor(reason: unknown) {
    super('ACQUIRE_ABORTED', 'Acquire aborted', { cause: reason });
  }
}

/** The factory's `create` threw or rejected. `cause` is the factory's error. */
export class CreateError extends PoolError {
  constructor(cause: unknown) {
    super('CREATE_FAILED', `Resource create failed: ${describe(cause)}`, { cause });
  }
}

/**
 * The factory's `create` did not settle within `createTimeoutMs` (or was still pending when a `close({ timeoutMs })`
 * ran out). Counts as a create failure in every respect; whatever the create returns later is destroyed.
 */
export class CreateTimeoutError extends PoolError {
  constructor(timeoutMs: number, during: 'create' | 'close' = 'create') {
    super(
      'CREATE_TIMEOUT',
      during === 'create'
        ? `Resource create timed out after ${timeoutMs} ms`
        : `Resource create still pending when close timed out after ${timeoutMs} ms`,
    );
  }
}

/** The factory's `destroy` threw or rejected. Counted in `stats().destroyErrors` and emitted as `error`. */
export class DestroyError extends PoolError {
  constructor(cause: unknown) {
    super('DESTROY_FAILED', `Resource destroy failed: ${describe(cause)}`, { cause });
  }
}

/**
 * The factory's `destroy` did not settle within `destroyTimeoutMs` (or before a `close({ timeoutMs })` ran out). The
 * destroy counts as done (`stats().destroyed`), is counted in `destroyErrors` and emitted as `error`.
 */
export class DestroyTimeoutError extends PoolError {
  constructor(timeoutMs: number, during: 'destroy' | 'close' = 'destroy') {
    super(
      'DESTROY_TIMEOUT',
      during === 'destroy'
        ? `Resource destroy timed out after ${timeoutMs} ms`
        : `Resource destroy still pending when close timed out after ${timeoutMs} ms`,
    );
  }
}

/** `release()` got a resource that is not currently handed out by this pool. Nothing was changed. */
export class ReleaseError extends PoolError {
  constructor(reason: 'unknown' | 'not-in-use') {
    super(
      'RELEASE_INVALID',
      reason === 'unknown'
        ? 'Release of a resource this pool did not hand out'
        : 'Release of a resource that is not in use (released twice?)',
    );
  }
}

/** An option or argument is out of range or of the wrong type. The message names it, its value and the range. */
export class InvalidOptionError extends PoolError {
  constructor(message: string) {
    super('INVALID_OPTION', message);
  }
}

/** The factory lacks `create` or `destroy`, or has a non-function hook. */
export class InvalidFactoryError extends PoolError {
  constructor(message: string) {
    super('INVALID_FACTORY', message);
  }
}

/** The factory's `create` returned a value the pool cannot track (e.g. one it already holds). */
export class InvalidResourceError extends PoolError {
  constructor(message: string) {
    super('INVALID_RESOURCE', message);
  }
}

function describe(error: unknown): string {
  if (error instanceof Error) return error.message;
  return String(error);
}

// Literal ids, not `.name`: a minifier may rename the classes of one copy and not of the other.
PoolError.brand(PoolError, '@pool/core:PoolError');
PoolError.brand(PoolExhaustedError, '@pool/core:PoolExhaustedError');
PoolError.brand(QueueFullError, '@pool/core:QueueFullError');
PoolError.brand(PoolClosedError, '@pool/core:PoolClosedError');
PoolError.brand(AcquireTimeoutError, '@pool/core:AcquireTimeoutError');
PoolError.brand(AcquireAbortedError, '@pool/core:AcquireAbortedError');
PoolError.brand(CreateError, '@pool/core:CreateError');
PoolError.brand(CreateTimeoutError, '@pool/core:CreateTimeoutError');
PoolError.brand(DestroyError, '@pool/core:DestroyError');
PoolError.brand(DestroyTimeoutError, '@pool/core:DestroyTimeoutError');
PoolError.brand(ReleaseError, '@pool/core:ReleaseError');
PoolError.brand(InvalidOptionError, '@pool/core:InvalidOptionError');
PoolError.brand(InvalidFactoryError, '@pool/core:InvalidFactoryError');
PoolError.brand(InvalidResourceError, '@pool/core:InvalidResourceError');
