import { Command } from 'ioredis';
import { InvalidArgumentError } from '../errors.js';
import type { RedisArgument } from '../connection/send.js';

/** Commands whose ioredis method also takes the fields as an object or a Map: `hset(key, { name: 'Ada' })`. */
const FIELD_OBJECT_COMMANDS = new Set(['hset', 'hmset', 'mset', 'msetnx']);

/**
 * The arguments of a typed command as ioredis' own method would send them: one level of arrays flattened
 * (`del([a, b])`), objects and Maps of fields spread (`hset(key, { a: 1 })`), numbers as strings.
 *
 * @param name - the command name, lower case, as ioredis' method table has it.
 * @param args - the method's arguments, without a trailing callback.
 * @throws InvalidArgumentError (`INVALID_ARGUMENT`) naming the position of a value ioredis would send as something
 *   else than was meant (`undefined` as an empty string, an object as `[object Object]`, `NaN`). Nothing is sent.
 */
export function toRedisArguments(name: string, args: readonly unknown[]): RedisArgument[] {
  const takesFields = FIELD_OBJECT_COMMANDS.has(name);
  for (let index = 0; index < args.length; index++) checkArgument(name, index, args[index], takesFields);
  // ioredis' Command applies its own flattening and argument transformers in its constructor; nothing is sent.
  const prepared = new Command(name, args as ConstructorParameters<typeof Command>[1]);
  // Checked above: after ioredis' stringifying every argument is a string or a Buffer.
  return prepared.args as RedisArgument[];
}

function checkArgument(name: string, index: number, value: unknown, takesFields: boolean): void {
  if (isScalar(value)) return;
  if (Array.isArray(value)) {
    if (value.every(isScalar)) return;
  } else if (takesFields && value instanceof Map) {
    if ([...value].every(([field, fieldValue]) => isScalar(field) && isScalar(fieldValue))) return;
  } else if (takesFields && isPlainObject(value)) {
    if (Object.values(value).every(isScalar)) return;
  }
  throw new InvalidArgumentError(
    `${name.toUpperCase()} argument ${index + 1} must be a string, a finite number, a Buffer or an array of them` +
      `${takesFields ? ' (or an object or Map of them)' : ''}, got ${describe(value)}`,
  );
}

function isScalar(value: unknown): boolean {
  return typeof value === 'string' || (typeof value === 'number' && Number.isFinite(value)) || Buffer.isBuffer(value);
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (value === null || typeof value !== 'object') return false;
  const prototype: unknown = Object.getPrototypeOf(value);
  return prototype === Object.prototype || prototype === null;
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (typeof value === 'number') return String(value);
  if (Array.isArray(value)) return 'an array holding something else';
  if (value instanceof Map) return 'a Map';
  return typeof value;
}
