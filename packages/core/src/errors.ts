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
 * Base class of every error thrown or emitted by `@pool/core`.
 *
 * @example
 * ```ts
 * try {
 *   await pool.acquire();
 * } catch (error) {
 *   if (error instanceof PoolError && error.code === 'POOL_EXHAUSTED') retryLater();
 * }
 * ```
 */
export class PoolError extends Error {
  /** Stable identifier of the failure; see {@link PoolErrorCode}. */
  readonly code: PoolErrorCode;

  constructor(code: PoolErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
    this.name = new.target.name;
  }
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

/** A queued acquire waited longer than its timeout. `cause` is the last create error, if any. */
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

/** The factory's `create` did not settle within `createTimeoutMs`. */
export class CreateTimeoutError extends PoolError {
  constructor(timeoutMs: number) {
    super('CREATE_TIMEOUT', `Resource create timed out after ${timeoutMs} ms`);
  }
}

/** The factory's `destroy` threw or rejected. Counted in `stats().destroyErrors` and emitted as `error`. */
export class DestroyError extends PoolError {
  constructor(cause: unknown) {
    super('DESTROY_FAILED', `Resource destroy failed: ${describe(cause)}`, { cause });
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
