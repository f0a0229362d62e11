/**
 * One call to `factory.create()`, from start until the factory settles (or the pool stops waiting for it).
 *
 * @typeParam Owner - who gets the result first; the pool uses its waiter type. Generic so that this file imports
 *   nothing from the waiter's.
 */
export class CreateOperation<Owner> {
  /** The waiter that gets the resource first (and the error, if it fails); `null` when none is waiting on it. */
  owner: Owner | null = null;
  /** True once it no longer holds a slot (failed, timed out, cancelled by a shrink, or the pool closed). */
  abandoned = false;
  /** Aborts the factory's work. */
  readonly controller = new AbortController();
  /** Fires `createTimeoutMs` after the start; runs on after a close abandons the create, to bound the close. */
  timer: ReturnType<typeof setTimeout> | undefined = undefined;
  /** `performance.now()` at the start, for the `create` event's `durationMs`. */
  readonly startedAt = performance.now();

  constructor(
    /** Close-on-error generation at the start; a result from a retired generation is destroyed. */
    readonly generation: number,
    /** The backoff burst it started in: failures of one burst count once. */
    readonly burst: number,
  ) {}
}
