/**
 * Exponential backoff with jitter after create failures, so a factory that keeps failing is never hot-looped:
 * delay = min(max, base · 2^(failures−1)), then a random point in its upper half.
 *
 * Failures are counted per burst: creates that were already running when a failure was counted belong to the same
 * outage, so 16 creates failing together count once, not 16 times. Each counted failure and each success starts a
 * new burst.
 */
export class Backoff {
  #failures = 0;
  #until = 0;
  #burst = 0;

  constructor(
    readonly baseMs: number,
    readonly maxMs: number,
  ) {}

  /** The current burst; a create remembers it at its start. */
  get burst(): number {
    return this.#burst;
  }

  /** Whether a failure has been counted since the last success. */
  get isActive(): boolean {
    return this.#failures > 0;
  }

  /** Records a failure of a create started in `burst`; counts only the first failure of each burst. */
  recordFailure(burst: number, now: number): void {
    if (burst !== this.#burst) return;
    this.#burst++;
    this.#failures++;
    const exponential = Math.min(this.maxMs, this.baseMs * 2 ** Math.min(this.#failures - 1, 30));
    this.#until = now + exponential / 2 + Math.random() * (exponential / 2);
  }

  /** Records a success: the backoff ends. */
  reset(): void {
    if (this.#failures === 0) return;
    this.#failures = 0;
    this.#until = 0;
    this.#burst++;
  }

  /** Whether the delay has not passed yet. */
  isWaiting(now: number): boolean {
    return now < this.#until;
  }

  /** Milliseconds until the delay has passed. */
  remainingMs(now: number): number {
    return Math.max(0, this.#until - now);
  }
}
