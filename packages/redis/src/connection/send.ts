import { Command, type Redis } from 'ioredis';
import { blockTimeMs } from './commands.js';
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
}

/** Largest delay a Node timer honours; longer ones fire at once. */
const LONGEST_TIMER_MS = 2 ** 31 - 1;

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
): Promise<RedisReply> {
  if (!isReady(connection)) {
    context.onBroken(connection);
    throw notSent(command, connection.status);
  }
  // The rest-parameter array is already the caller's own copy.
  const pending = new Command(command, args as RedisArgument[], { replyEncoding: context.encoding });
  // ioredis arms commandTimeout (readTimeoutMs) itself; a different limit is set first, and then it leaves it alone.
  if (timeoutMs !== context.readTimeoutMs) pending.setTimeout(Math.min(timeoutMs, LONGEST_TIMER_MS));
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
