/** The longest delay `setTimeout` honours (about 24.8 days); Node fires longer ones after 1 ms. */
export const MAX_TIMER_MS = 2 ** 31 - 1;

/**
 * Starts a timer that calls `callback(argument)` after `delayMs`. A delay of `Infinity`, or one longer than
 * {@link MAX_TIMER_MS}, means "never": no timer is started.
 *
 * `keepAlive` follows the pool's rule: a timer that will settle a caller's pending promise (an acquire timeout, an
 * owned create's timeout, a validation, a retry a waiter needs, a close deadline) keeps the process alive, as
 * generic-pool's and tarn's do; background work (reaper, minIdle refill, leak detection, a retry nobody waits for) is
 * `unref()`'d and never does.
 */
export function startTimer<A>(
  callback: (argument: A) => void,
  delayMs: number,
  argument: A,
  keepAlive: boolean,
): ReturnType<typeof setTimeout> | undefined {
  if (!(delayMs <= MAX_TIMER_MS)) return undefined;
  const timer = setTimeout(callback, delayMs, argument);
  if (!keepAlive) timer.unref();
  return timer;
}
