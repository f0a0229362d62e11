/**
 * Where a pooled resource is in its life. Every transition is made by `Pool` (see ARCHITECTURE.md):
 * created → `idle` | `inUse`; `idle` → `validating` | `inUse` | `destroyed`; `validating` → `inUse` | `idle` |
 * `destroyed`; `inUse` → `idle` | `inUse` (handed straight to a waiter) | `destroyed`.
 */
export type EntryState = 'idle' | 'validating' | 'inUse' | 'destroyed';

/** The pool's record of one resource it created. */
export class Entry<T> {
  /** Current state; `destroyed` is final. */
  state: EntryState = 'idle';
  /** `Date.now()` when it went idle, for `idleTimeoutMs`. */
  idleSince = 0;
  /** `Date.now()` when it was last handed out, for leak reports. */
  acquiredAt = 0;
  /** `performance.now()` when it was last handed out, for the `release` event's `useMs`; `NaN` if nobody listened. */
  usedSince = Number.NaN;
  /** Timer that reports a leak while the resource is held too long. */
  leakTimer: ReturnType<typeof setTimeout> | undefined = undefined;

  constructor(
    /** The factory's resource. */
    readonly resource: T,
    /** The close-on-error generation it was created in; an older generation is retired. */
    readonly generation: number,
    /** `Date.now()` at creation, for `maxLifetimeMs`. */
    readonly createdAt: number,
  ) {}
}
