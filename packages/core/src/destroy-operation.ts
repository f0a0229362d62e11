/** One call to `factory.destroy()`, from start until it settles, times out or a close deadline gives it up. */
export class DestroyOperation<T> {
  /** Resolves when the pool counts the destroy as done; never rejects. */
  readonly done: Promise<void>;
  /** Fires `destroyTimeoutMs` after the start. */
  timer: ReturnType<typeof setTimeout> | undefined = undefined;
  #finish!: () => void;

  constructor(
    /** The resource being destroyed. */
    readonly resource: T,
  ) {
    this.done = new Promise<void>((resolve) => {
      this.#finish = resolve;
    });
  }

  /** Resolves {@link DestroyOperation.done}. */
  finish(): void {
    this.#finish();
  }
}
