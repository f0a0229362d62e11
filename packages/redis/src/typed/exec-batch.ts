import type { Cluster, Redis } from 'ioredis';
import { leavesConnectionChanged } from '../connection/commands.js';
import { breaksConnection, type Redactor } from '../redact.js';
import type { BatchReplies, RecordedCommand } from './redis-commands.js';

/** What {@link execBatchOn} needs of the pool: its redactor and read timeout, and how to retire the client. */
export interface BatchContext {
  readonly redactor: Redactor;
  readonly readTimeoutMs: number;
  /** A transport failure or timeout: the client (or cluster client) can no longer be trusted. */
  readonly onBroken: () => void;
  /** A command changed the connection's state (SELECT, CLIENT SETNAME, ...): replace it on release. */
  readonly onChanged: () => void;
}

/**
 * Runs recorded commands as one ioredis `multi()` or `pipeline()` on a client you hold (ioredis applies its own
 * argument handling, per-command timeout and reply transforms) and types the failures: a failed `exec()` rejects
 * with the pool's typed error, each command's own error becomes a typed error in its pair. A transport failure or
 * timeout, or a command that changes connection state (SELECT, CLIENT SETNAME, ...), marks the client broken.
 */
export async function execBatchOn(
  client: Redis | Cluster,
  kind: 'multi' | 'pipeline',
  commands: readonly RecordedCommand[],
  context: BatchContext,
): Promise<BatchReplies> {
  if (commands.some((command) => leavesConnectionChanged(command.name, command.args))) context.onChanged();
  const replay = commands.map((command) => [...command.replay]);
  const chain = kind === 'multi' ? client.multi(replay) : client.pipeline(replay);
  let replies: BatchReplies;
  try {
    replies = await chain.exec();
  } catch (error) {
    throw typed(error, kind === 'multi' ? 'EXEC' : 'PIPELINE', context);
  }
  if (replies === null) return null;
  return replies.map(([error, result], index): [Error | null, unknown] => {
    if (error === null) return [null, result];
    return [typed(error, commands[index]?.name.toUpperCase() ?? kind.toUpperCase(), context), result];
  });
}

function typed(error: unknown, command: string, context: BatchContext): Error {
  const failure = context.redactor.toRedisError(error, command, context.readTimeoutMs);
  if (breaksConnection(failure)) context.onBroken();
  return failure;
}
