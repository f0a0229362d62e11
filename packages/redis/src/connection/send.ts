import { Command, type Redis } from 'ioredis';
import { blockTimeMs } from './commands.js';
import { timerDelayMs } from './connect-deadline.js';
import { InvalidArgumentError, RedisConnectionError, type RedisPoolError } from '../errors.js';
import { breaksConnection, type Redactor } from '../redact.js';
import { isReady } from './factory.js';
import { CommandNotSentError } from './write-batcher.js';

/** A command argument: sent as-is (Buffer), or as its string form (string, finite number). */
export type RedisArgument = string | number | Buffer;

/** A decoded reply: Buffers (or strings, with an `encoding`), integers, `null`, arrays of these, or ioredis objects. */
export type RedisReply = unknown;

/** Per-call options of `executeWith` and `executeOn`. */
export interface CommandOptions {
  /**
   * Replaces the read timeout of this one call, block time included: a BLPOP that waits 30 s needs more than the
   * default `readTimeoutMs + 30 s` only if the server is slow. `Infinity` waits forever. Minimum: 1.
   * @example
   * ```ts
   * await redis.executeWith({ timeoutMs: 60_000 }, 'BLPOP', 'jobs', 50);
   * ```
   */
  timeoutMs?: number;
  /**
   * Decode the reply as ioredis' own method of this command does instead of raw: `'string'` as `redis.hgetall()`
   * (strings, with ioredis' reply transforms such as HGETALL to an object), `'buffer'` as `redis.hgetallBuffer()`.
   * Absent: the raw reply, decoded per the pool's `encoding`. `pool.commands` sets it for every call.
   * @example
   * ```ts
   * const user = await redis.executeWith({ ioredisReply: 'string' }, 'hgetall', 'user:42'); // { name: 'Ada' }
   * ```
   */
  ioredisReply?: IoredisReply;
}

/** How a reply is decoded as ioredis' typed methods do: `'string'` (`redis.get`) or `'buffer'` (`redis.getBuffer`). */
export type IoredisReply = 'string' | 'buffer';

/** Everything {@link sendOn} needs besides the command. */
export interface SendContext {
  readonly encoding: BufferEncoding | null;
  readonly readTimeoutMs: number;
  readonly redactor: Redactor;
  /** Called once a transport failure or timeout made the connection unusable. */
  readonly onBroken: (connection: Redis) => void;
  /** Writes the command; absent: at once (`connection.sendCommand`). Exclusive mode batches through a `WriteBatcher`. */
  readonly write?: (connection: Redis, command: Command) => Promise<unknown>;
}

/**
 * Checks a command name and its arguments before anything is sent.
 * @throws InvalidArgumentError (`INVALID_ARGUMENT`) naming the position and type of the bad argument.
 */
export function validateCommand(command: unknown, args: readonly unknown[]): asserts command is string {
  if (typeof command !== 'string' || !isValidName(command)) {
    throw new InvalidArgumentError(`command must be a non-empty string without spaces, got ${typeof command === 'string' ? JSON.stringify(command) : typeof command}`);
  }
  for (let index = 0; index < args.length; index++) {
    const arg = args[index];
    if (typeof arg === 'string' || (typeof arg === 'number' && Number.isFinite(arg)) || Buffer.isBuffer(arg)) continue;
    const kind = arg === null ? 'null' : typeof arg === 'number' ? String(arg) : Array.isArray(arg) ? 'an array' : typeof arg;
    throw new InvalidArgumentError(`${command} argument ${index + 1} must be a string, a finite number or a Buffer, got ${kind}`);
  }
}

/** Command names already checked; a program uses few, so the regex runs once per name. */
const VALID_NAMES = new Set<string>();
const MAX_CACHED_NAMES = 1024;

function isValidName(command: string): boolean {
  if (VALID_NAMES.has(command)) return true;
  if (command === '' || /\s/.test(command)) return false;
  if (VALID_NAMES.size < MAX_CACHED_NAMES) VALID_NAMES.add(command);
  return true;
}

/** One call of `executeWith`, split: the options (undefined when the call started with the command), the command, its arguments. */
export interface SplitCall {
  readonly options: CommandOptions | undefined;
  readonly command: string;
  readonly args: RedisArgument[];
}

/**
 * Splits `executeWith(options, command, ...args)` or `executeWith(command, ...args)` and checks it.
 * @throws InvalidArgumentError (`INVALID_ARGUMENT`) for options that are not an object, a bad name or argument.
 */
export function splitCall(first: CommandOptions | string | undefined, rest: RedisArgument[]): SplitCall {
  if (typeof first === 'string') {
    validateCommand(first, rest);
    return { options: undefined, command: first, args: rest };
  }
  if (first !== undefined && (first === null || typeof first !== 'object')) {
    throw new InvalidArgumentError(`options must be an object or undefined, got ${first === null ? 'null' : typeof first}`);
  }
  const command: unknown = rest[0];
  const args = rest.slice(1);
  validateCommand(command, args);
  return { options: first, command, args };
}

/**
 * The reply decoding a call asked for (`options.ioredisReply`), checked.
 * @throws InvalidArgumentError (`INVALID_ARGUMENT`) for anything but `'string'`, `'buffer'` or undefined.
 */
export function replyOf(options: CommandOptions | undefined): IoredisReply | undefined {
  const reply = options?.ioredisReply;
  if (reply === undefined || reply === 'string' || reply === 'buffer') return reply;
  throw new InvalidArgumentError(`ioredisReply must be 'string' or 'buffer', got ${JSON.stringify(reply)}`);
}

/**
 * The name and reply encoding of one call's ioredis Command. Raw (`reply` undefined): the name upper-cased, so none
 * of ioredis' reply transforms (keyed by lower-case names) applies, decoded per the pool's `encoding`. Typed: the
 * name as given (lower case from `pool.commands`, as ioredis' methods send it), decoded to strings or Buffers.
 */
export function commandShape(
  command: string,
  reply: IoredisReply | undefined,
  encoding: BufferEncoding | null,
): { readonly name: string; readonly replyEncoding: BufferEncoding | null } {
  if (reply === undefined) return { name: command.toUpperCase(), replyEncoding: encoding };
  return { name: command, replyEncoding: reply === 'string' ? 'utf8' : null };
}

/** The read timeout of one call: the option if given, else `readTimeoutMs` plus the command's own block time. */
export function timeoutFor(command: string, args: readonly unknown[], readTimeoutMs: number, options?: CommandOptions): number {
  if (options?.timeoutMs !== undefined) {
    const timeoutMs = options.timeoutMs;
    if (typeof timeoutMs !== 'number' || Number.isNaN(timeoutMs) || timeoutMs < 1) {
      throw new InvalidArgumentError(`timeoutMs must be a number of milliseconds >= 1 or Infinity, got ${String(timeoutMs)}`);
    }
    return timeoutMs;
  }
  return readTimeoutMs + blockTimeMs(command, args);
}

/**
 * Sends one command on a connection and waits for its reply, bounded by `timeoutMs`. A reply error becomes a
 * `RedisReplyError` and leaves the connection alone; a transport failure or timeout becomes a
 * `RedisConnectionError` / `RedisTimeoutError` and reports the connection through `onBroken` (which closes it once).
 * A command that never reached the socket (the connection was not ready when it was due to be written) fails with
 * `sent: false`; one that was written and then lost or timed out, with `sent: true`.
 */
export async function sendOn(
  connection: Redis,
  command: string,
  args: readonly RedisArgument[],
  timeoutMs: number,
  context: SendContext,
  reply?: IoredisReply,
): Promise<RedisReply> {
  if (!isReady(connection)) {
    context.onBroken(connection);
    throw notSent(command, connection.status);
  }
  // The rest-parameter array is already the caller's own copy.
  const { name, replyEncoding } = commandShape(command, reply, context.encoding);
  // keyPrefix (an `ioredis` pass-through option) is applied per command, as ioredis' own methods do.
  const keyPrefix = connection.options.keyPrefix;
  const pending = new Command(name, args as RedisArgument[], keyPrefix ? { replyEncoding, keyPrefix } : { replyEncoding });
  // ioredis arms commandTimeout (readTimeoutMs) itself; a different limit is set first, and then it leaves it alone.
  if (timeoutMs !== context.readTimeoutMs) pending.setTimeout(timerDelayMs(timeoutMs));
  try {
    return await (context.write === undefined ? connection.sendCommand(pending) : context.write(connection, pending));
  } catch (error) {
    throw failure(connection, error, command, timeoutMs, context);
  }
}

function notSent(command: string, status: string, cause?: unknown): RedisConnectionError {
  return new RedisConnectionError(`${command.toUpperCase()} failed: the connection was closed before the command was sent (it was ${status})`, {
    sent: false,
    ...(cause === undefined ? {} : { cause }),
  });
}

function failure(connection: Redis, error: unknown, command: string, timeoutMs: number, context: SendContext): RedisPoolError {
  if (error instanceof CommandNotSentError) {
    context.onBroken(connection);
    return notSent(command, connection.status, context.redactor.sanitise(error));
  }
  const typed = context.redactor.toRedisError(error, command.toUpperCase(), timeoutMs);
  if (breaksConnection(typed)) context.onBroken(connection);
  return typed;
}

/** Whether a failed command may run again on another connection: it surely never reached a socket. */
export function wasNotSent(error: unknown): boolean {
  return error instanceof RedisConnectionError && !error.sent;
}
