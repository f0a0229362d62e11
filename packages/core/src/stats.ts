import type { PoolSnapshot } from './errors.js';

/** Running totals since the pool was created. */
export interface PoolCounters {
  /** Resources the factory created (including ones that arrived after their create was abandoned). */
  created: number;
  /** Resources whose `destroy()` settled, successfully or not. Equals `created` once `close()` resolves. */
  destroyed: number;
  /** Resources handed out. */
  acquired: number;
  /** Resources given back through `release()`. */
  released: number;
  /** Acquires that timed out in the queue. */
  timeouts: number;
  /** Creates that failed or timed out. */
  createErrors: number;
  /** Destroys that failed (each also emitted as `error`). */
  destroyErrors: number;
  /** Idle resources found invalid by `validate()` (false, throw, rejection or timeout). */
  validationFailures: number;
}

/** What {@link Pool.stats} returns: the current occupancy and the counters. */
export interface PoolStats extends PoolSnapshot, PoolCounters {}

/** A zeroed counter set. */
export function newCounters(): PoolCounters {
  return {
    created: 0,
    destroyed: 0,
    acquired: 0,
    released: 0,
    timeouts: 0,
    createErrors: 0,
    destroyErrors: 0,
    validationFailures: 0,
  };
}
