import type { Redis } from 'ioredis';
import { InvalidArgumentError, type RedisPoolError } from '../errors.js';
import { sendOn, timeoutFor, validateCommand, type RedisArgument, type RedisReply, type SendContext } from '../connection/send.js';

/** One command of a bulk run: its name, then its arguments. */
export type BulkCommand = readonly [command: string, ...args: RedisArgument[]];

/** The outcome of one bulk command, in the order given: its reply, or its own typed error. */
export type BulkResult =
  | {
      /** The command succeeded. */
      readonly ok: true;
      /** Its reply. */
      readonly value: RedisReply;
    }
  | {
      /** The command failed. */
      readonly ok: false;
      /** Its own typed error (`REDIS_REPLY`, `REDIS_CONNECTION`, `REDIS_TIMEOUT`). */
      readonly error: RedisPoolError;
    };

/**
 * Checks every command of a bulk run before any is sent.
 * @throws InvalidArgumentError (`INVALID_ARGUMENT`) naming the command's position.
 */
export function validateBulk(commands: readonly BulkCommand[]): void {
  if (!Array.isArray(commands)) throw new InvalidArgumentError('bulk() needs an array of [command, ...args] arrays');
  commands.forEach((entry: unknown, index) => {
    if (!Array.isArray(entry)) throw new InvalidArgumentError(`bulk command ${index + 1} must be an array [command, ...args]`);
    try {
      validateCommand(entry[0], entry.slice(1));
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      throw new InvalidArgumentError(`bulk command ${index + 1}: ${reason}`);
    }
  });
}

/**
 * Runs the commands on one connection in pipelined batches of `bulkSize`: each batch is written without waiting,
 * then its replies are collected before the next is sent (pyredis' `bulk_start` / `bulk_stop`). An error reply
 * or a transport failure is returned in that command's result; after a transport failure the remaining commands
 * fail with `REDIS_CONNECTION` without being sent.
 */
export async function runBulk(
  connection: Redis,
  commands: readonly BulkCommand[],
  bulkSize: number,
  context: SendContext,
): Promise<BulkResult[]> {
  const results: BulkResult[] = [];
  for (let start = 0; start < commands.length; start += bulkSize) {
    const batch = commands.slice(start, start + bulkSize).map(([command, ...args]) =>
      sendOn(connection, command, args, timeoutFor(command, args, context.readTimeoutMs), context),
    );
    for (const outcome of await Promise.allSettled(batch)) {
      results.push(
        outcome.status === 'fulfilled'
          ? { ok: true, value: outcome.value }
          : { ok: false, error: outcome.reason as RedisPoolError },
      );
    }
  }
  return results;
}
