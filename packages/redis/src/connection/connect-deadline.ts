import { RedisConnectionError, RedisTimeoutError } from '../errors.js';
import type { Redactor } from '../redact.js';

/** Longest delay a Node timer honours (2^31-1 ms, about 24.8 days); a longer one fires after 1 ms. */
const LONGEST_TIMER_MS = 2 ** 31 - 1;

/**
 * `limitMs` as a delay every Node timer honours: rounded up to a whole millisecond, capped at
 * {@link LONGEST_TIMER_MS}. Any limit the options accept (a number >= 1) goes through this before it reaches a timer,
 * ours or ioredis' (`connectTimeout`, `commandTimeout`, `slotsRefreshTimeout`).
 */
export function timerDelayMs(limitMs: number): number {
  return Math.min(Math.ceil(limitMs), LONGEST_TIMER_MS);
}

/**
 * A signal that aborts `limitMs` ({@link timerDelayMs}) from now with a `TimeoutError` DOMException:
 * `AbortSignal.timeout`, whose timer is unref'd (it never keeps the process alive) and cleared by Node once the signal
 * is garbage-collected, so a deadline that is not needed any more costs nothing.
 */
export function deadlineSignal(limitMs: number): AbortSignal {
  return AbortSignal.timeout(timerDelayMs(limitMs));
}

/**
 * Settles like `work`, unless `signal` aborts first: then rejects with `stopped()`. The one abort listener is removed
 * when it settles, so nothing on the signal keeps the work's closure alive.
 */
export async function unlessAborted<T>(work: Promise<T>, signal: AbortSignal, stopped: () => Error): Promise<T> {
  if (signal.aborted) {
    // Nobody waits for the work any more; its rejection must not be reported as unhandled.
    work.catch(() => undefined);
    throw stopped();
  }
  let rejectAborted: (error: Error) => void = () => undefined;
  const aborted = new Promise<never>((_, reject) => {
    rejectAborted = reject;
  });
  const onAbort = (): void => rejectAborted(stopped());
  signal.addEventListener('abort', onAbort, { once: true });
  try {
    return await Promise.race([work, aborted]);
  } finally {
    signal.removeEventListener('abort', onAbort);
  }
}

/**
 * Runs a connect (`connecting` is not started when `signal` has already aborted), bounded by `limitMs` and by the
 * pool's abort signal, both followed through one signal (`AbortSignal.any`) with one listener, removed whatever
 * happens. The deadline's timer is unref'd and cannot be cleared; it does nothing once the connect has settled. Unref'd
 * is enough to get the timeout: while a connect is pending its socket (or DNS lookup) keeps the process alive.
 * @param what - names the connect in messages: `connect`, `cluster connect`.
 * @throws RedisTimeoutError (`REDIS_TIMEOUT`) after `limitMs`; RedisConnectionError (`REDIS_CONNECTION`) on abort,
 *   with the signal's reason, password-free, as `cause`.
 */
export async function connectWithin<T>(
  connecting: () => Promise<T>,
  limitMs: number,
  signal: AbortSignal | undefined,
  what: string,
  redactor: Redactor,
): Promise<T> {
  const aborted = (): RedisConnectionError => new RedisConnectionError(`${what} aborted by the pool`, { cause: redactor.sanitise(signal?.reason), sent: false });
  if (signal?.aborted === true) throw aborted();
  const deadline = deadlineSignal(limitMs);
  const bound = signal === undefined ? deadline : AbortSignal.any([deadline, signal]);
  // Whichever aborted first aborted `bound`, synchronously: the deadline (its reason a `TimeoutError`) or the pool.
  const stopped = (): Error => (deadline.aborted ? new RedisTimeoutError(`${what} timed out after ${limitMs} ms`, limitMs, { sent: false }) : aborted());
  return unlessAborted(connecting(), bound, stopped);
}
