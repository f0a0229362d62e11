import type { Factory } from './options.js';
import { startTimer } from './timers.js';

/**
 * Runs `factory.validate(resource)` with a time limit. `false`, a throw, a rejection or no answer within
 * `timeoutMs` mean invalid; any other answer means valid. Its timer keeps the process alive: a caller waits on it.
 */
export async function validateWithTimeout<T>(factory: Factory<T>, resource: T, timeoutMs: number): Promise<boolean> {
  const validate = factory.validate;
  if (validate === undefined) return true;
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timedOut = new Promise<false>((resolve) => {
    timer = startTimer(resolve, timeoutMs, false, true);
  });
  try {
    const verdict = Promise.resolve().then(() => validate.call(factory, resource));
    return (await Promise.race([verdict, timedOut])) !== false;
  } catch {
    return false;
  } finally {
    clearTimeout(timer);
  }
}
