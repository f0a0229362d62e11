import { RedisConnectionError, RedisTimeoutError } from '../errors.js';
import type { Redactor } from '../redact.js';

/**
 * Runs a connect (`connecting` is not started when `signal` has already aborted), bounded by `limitMs` and by the
 * pool's abort signal. The timer and the abort listener are removed whatever happens.
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
  let timer: ReturnType<typeof setTimeout> | undefined;
  let onAbort: (() => void) | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new RedisTimeoutError(`${what} timed out after ${limitMs} ms`, limitMs, { sent: false })), limitMs);
    onAbort = () => reject(aborted());
    signal?.addEventListener('abort', onAbort, { once: true });
  });
  try {
    return await Promise.race([connecting(), deadline]);
  } finally {
    clearTimeout(timer);
    if (onAbort !== undefined) signal?.removeEventListener('abort', onAbort);
  }
}
