/**
 * Exponential backoff with jitter for the pool's own create retries, so a factory that keeps failing is never
 * hot-looped: delay = min(max, base · 2^(failures−1)), then a random point in its upper half.
 */
export class Backoff {
  #failures = 0;
  #until = 0;

  constructor(
    readonly baseMs: number,
    readonly maxMs: number,
  ) {}

  /** Records a failure and returns the delay before the next retry. */
  recordFailure(now: number): number {
    this.#failures++;
    const exponential = Math.min(this.maxMs, this.baseMs * 2 ** Math.min(this.#failures - 1, 30));
    const delayMs = exponential / 2 + Math.random() * (exponential / 2);
    this.#until = now + delayMs;
    return delayMs;
  }

  /** Records a success: retries may start at once again. */
  reset(): void {
    this.#failures = 0;
    this.#until = 0;
  }

  /** Whether a retry must still wait. */
  isWaiting(now: number): boolean {
    return now < this.#until;
  }

  /** Milliseconds until a retry may start. */
  remainingMs(now: number): number {
    return Math.max(0, this.#until - now);
  }
}
