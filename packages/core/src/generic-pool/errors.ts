import { AcquireTimeoutError, PoolError, type PoolSnapshot } from '../errors.js';

/**
 * generic-pool's `TimeoutError`: `acquire()` waited `acquireTimeoutMillis` without being served. It is also an
 * `AcquireTimeoutError` (code `ACQUIRE_TIMEOUT`, with the pool's `snapshot`, and the last create error of this wait as
 * `cause`), and its message starts with generic-pool's "ResourceRequest timed out".
 *
 * @example
 * ```ts
 * try {
 *   await pool.acquire();
 * } catch (error) {
 *   if (error instanceof TimeoutError) console.log('pool busy', error.snapshot);
 * }
 * ```
 */
export class TimeoutError extends AcquireTimeoutError {
  constructor(timeoutMs: number, snapshot: PoolSnapshot, cause?: unknown) {
    super(timeoutMs, snapshot, cause);
    this.message =
      `ResourceRequest timed out after ${timeoutMs} ms (size ${snapshot.size}, idle ${snapshot.idle}, ` +
      `in use ${snapshot.inUse}, creating ${snapshot.creating}, waiting ${snapshot.waiting})`;
  }
}

/** generic-pool's messages for the failures its callers match on, keyed by the engine's error code. */
const GENERIC_POOL_MESSAGES: Partial<Record<PoolError['code'], string>> = {
  QUEUE_FULL: 'max waitingClients count exceeded',
  RELEASE_INVALID: 'Resource not currently part of this pool',
  POOL_CLOSED: 'pool is draining and cannot accept work',
};

/**
 * Gives an engine error generic-pool's wording (callers of generic-pool match on its messages) and turns an acquire
 * timeout into a {@link TimeoutError}. The error keeps its class, `code` and `cause`.
 */
export function toGenericPoolError(error: unknown, acquireTimeoutMs: number): unknown {
  if (!(error instanceof PoolError)) return error;
  if (error instanceof AcquireTimeoutError && !(error instanceof TimeoutError)) {
    return new TimeoutError(acquireTimeoutMs, error.snapshot, error.cause);
  }
  const message = GENERIC_POOL_MESSAGES[(error as PoolError).code];
  if (message !== undefined) error.message = message;
  return error;
}
