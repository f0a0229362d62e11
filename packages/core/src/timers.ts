/** The longest delay `setTimeout` honours (about 24.8 days); Node fires longer ones after 1 ms. */
export const MAX_TIMER_MS = 2 ** 31 - 1;

/**
 * Starts an `unref()`'d timer that calls `callback(argument)` after `delayMs`, so no pool timer keeps the process
 * alive. A delay of `Infinity`, or one longer than {@link MAX_TIMER_MS}, means "never": no timer is started.
 */
export function startTimer<A>(
  callback: (argument: A) => void,
  delayMs: number,
  argument: A,
): ReturnType<typeof setTimeout> | undefined {
  if (!(delayMs <= MAX_TIMER_MS)) return undefined;
  const timer = setTimeout(callback, delayMs, argument);
  timer.unref();
  return timer;
}
