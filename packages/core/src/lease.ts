/**
 * A resource on loan from a pool. `release()` gives it back once (later calls return the same promise), and
 * `await using` does it at the end of the block.
 *
 * @example
 * ```ts
 * {
 *   await using lease = await pool.lease();
 *   await lease.resource.ping();
 * } // released here, also when the block throws
 * ```
 */
export class Lease<T> implements AsyncDisposable {
  /** The leased resource. */
  readonly resource: T;
  readonly #giveBack: (resource: T) => Promise<void>;
  #released: Promise<void> | undefined = undefined;

  /** @internal Made by `Pool.lease()`. */
  constructor(resource: T, giveBack: (resource: T) => Promise<void>) {
    this.resource = resource;
    this.#giveBack = giveBack;
  }

  /** Whether `release()` has been called. */
  get isReleased(): boolean {
    return this.#released !== undefined;
  }

  /** Gives the resource back to the pool; idempotent. */
  release(): Promise<void> {
    this.#released ??= this.#giveBack(this.resource);
    return this.#released;
  }

  /** Same as {@link Lease.release}, for `await using`. */
  [Symbol.asyncDispose](): Promise<void> {
    return this.release();
  }
}
