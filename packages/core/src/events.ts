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
 */
export interface PoolEventMap<T> {
  /** A resource was created (before it is handed out or parked). */
  create: [resource: T];
  /** A resource's destroy settled. */
  destroy: [resource: T];
  /** A resource was handed out. */
  acquire: [resource: T];
  /** A resource came back through `release()`. */
  release: [resource: T];
  /** A failure no caller could be told of: a failed destroy or background create. */
  error: [error: PoolError];
  /** A resource was held longer than `leakDetectionMs`. */
  leak: [report: LeakReport<T>];
}

/**
 * `node:diagnostics_channel` channels, for tracing without listeners on the pool itself. Each message is
 * `{ pool, resource }` (`{ pool, error }` for `error`; the leak report for `leak`). Publishing costs nothing
 * while no one subscribes.
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
  /** `@pool/core:error`: a failure no caller could be told of: a failed destroy or background create. */
  error: channel('@pool/core:error'),
  /** `@pool/core:leak`: a resource was held longer than `leakDetectionMs`. */
  leak: channel('@pool/core:leak'),
} as const;
