import { channel } from 'node:diagnostics_channel';
import type { PoolError } from './errors.js';

/** Payload of the `leak` event. */
export interface LeakReport<T> {
  /** The resource held too long. */
  readonly resource: T;
  /** How long it has been held, in milliseconds. */
  readonly heldMs: number;
  /** Stack of the `acquire()` call that took it. */
  readonly acquireStack: string;
}

/**
 * Events a {@link Pool} emits. `error` carries failures that have no caller to reject (a failed destroy, a failed
 * background create); with no `error` listener they become a process warning instead of a crash.
 *
 * Timings are in milliseconds, measured with `performance.now()`. The pool only reads the clock while someone
 * listens (to the event here or on its diagnostics channel), so a wait or hold that began before the first
 * listener reports `NaN`.
 */
export interface PoolEventMap<T> {
  /** A resource was created (before it is handed out or parked); `durationMs`: how long `factory.create()` took. */
  create: [resource: T, durationMs: number];
  /** A resource's destroy settled. */
  destroy: [resource: T];
  /**
   * A resource was handed out; `waitMs`: how long the caller waited, from `acquire()` until served (0 when an idle
   * resource was handed over at once; includes a create and `validate()` when the caller waited for them).
   */
  acquire: [resource: T, waitMs: number];
  /** A resource came back through `release()`; `useMs`: how long the caller held it. */
  release: [resource: T, useMs: number];
  /**
   * An `acquire()` failed with a pool error the caller sees: `POOL_EXHAUSTED`, `QUEUE_FULL`, `ACQUIRE_TIMEOUT`,
   * `ACQUIRE_ABORTED`, `POOL_CLOSED`, `CREATE_FAILED` or `CREATE_TIMEOUT` (not `INVALID_OPTION`, a bug in the call).
   * `waitMs`: how long the caller waited before the failure (near 0 when it failed at once). Count by `error.code`.
   */
  acquireFailed: [error: PoolError, waitMs: number];
  /** A failure no caller could be told of: a failed destroy or background create. */
  error: [error: PoolError];
  /** A resource was held longer than `leakDetectionMs`. */
  leak: [report: LeakReport<T>];
}

/**
 * `node:diagnostics_channel` channels, for tracing without listeners on the pool itself. Messages:
 * `create` `{ pool, resource, durationMs }`, `acquire` `{ pool, resource, waitMs }`, `release`
 * `{ pool, resource, useMs }`, `destroy` `{ pool, resource }`, `acquireFailed` `{ pool, error, code, waitMs }`,
 * `error` `{ pool, error }`, `leak` the leak report. Timings are as in {@link PoolEventMap}. Publishing costs
 * nothing while no one subscribes.
 *
 * @example
 * ```ts
 * import { subscribe } from 'node:diagnostics_channel';
 * subscribe('@pool/core:acquire', (message) => console.log('acquired', message));
 * ```
 */
export const diagnosticChannels = {
  /** `@pool/core:create`: a resource was created (before it is handed out or parked). */
  create: channel('@pool/core:create'),
  /** `@pool/core:destroy`: a resource's destroy settled. */
  destroy: channel('@pool/core:destroy'),
  /** `@pool/core:acquire`: a resource was handed out. */
  acquire: channel('@pool/core:acquire'),
  /** `@pool/core:release`: a resource came back through `release()`. */
  release: channel('@pool/core:release'),
  /** `@pool/core:acquireFailed`: an `acquire()` failed with a pool error the caller sees. */
  acquireFailed: channel('@pool/core:acquireFailed'),
  /** `@pool/core:error`: a failure no caller could be told of: a failed destroy or background create. */
  error: channel('@pool/core:error'),
  /** `@pool/core:leak`: a resource was held longer than `leakDetectionMs`. */
  leak: channel('@pool/core:leak'),
} as const;
