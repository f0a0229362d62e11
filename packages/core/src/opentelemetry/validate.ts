import type { MeterProvider } from '@opentelemetry/api';
import { InvalidOptionError } from '../errors.js';

/**
 * Checks that `pool` is a `@pool/core` pool by shape, not `instanceof`: the ESM and CommonJS builds (or two
 * installed copies) each have their own `Pool` class, and either kind of pool must be accepted.
 * @throws InvalidOptionError (`INVALID_OPTION`)
 */
export function validatePool(pool: unknown): void {
  const candidate = pool as Record<string, unknown> | null;
  const isPool =
    typeof candidate === 'object' &&
    candidate !== null &&
    typeof candidate.stats === 'function' &&
    typeof candidate.on === 'function' &&
    typeof candidate.off === 'function' &&
    typeof candidate.minIdle === 'number';
  if (!isPool) throw new InvalidOptionError(`pool must be a @pool/core pool, got ${kindOf(pool)}`);
}

/**
 * Checks `instrumentPool`'s options: a non-empty `name`, and a `meterProvider` with `getMeter()` when given.
 * @throws InvalidOptionError (`INVALID_OPTION`)
 */
export function validateInstrumentOptions(options: unknown): { name: string; meterProvider: MeterProvider | undefined } {
  if (typeof options !== 'object' || options === null) {
    throw new InvalidOptionError(`instrumentPool options must be an object with a name, got ${kindOf(options)}`);
  }
  const { name, meterProvider } = options as { name?: unknown; meterProvider?: unknown };
  if (typeof name !== 'string' || name.trim() === '') {
    throw new InvalidOptionError(`name must be a non-empty string, got ${kindOf(name)}`);
  }
  if (meterProvider !== undefined && typeof (meterProvider as { getMeter?: unknown } | null)?.getMeter !== 'function') {
    throw new InvalidOptionError(`meterProvider must be a MeterProvider (with getMeter()), got ${kindOf(meterProvider)}`);
  }
  return { name, meterProvider: meterProvider as MeterProvider | undefined };
}

/** A value's kind for an error message; never the value itself (it could hold a secret). */
function kindOf(value: unknown): string {
  if (value === null) return 'null';
  if (typeof value === 'string') return value === '' || value.trim() === '' ? 'an empty string' : 'a string';
  return typeof value === 'object' ? 'an object without the expected shape' : typeof value;
}
