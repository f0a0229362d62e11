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
  create: [resource: T];
  destroy: [resource: T];
  acquire: [resource: T];
  release: [resource: T];
  error: [error: PoolError];
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
  create: channel('@pool/core:create'),
  destroy: channel('@pool/core:destroy'),
  acquire: channel('@pool/core:acquire'),
  release: channel('@pool/core:release'),
  error: channel('@pool/core:error'),
  leak: channel('@pool/core:leak'),
} as const;
