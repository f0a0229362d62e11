/**
 * The command table: which commands may share a connection with other callers (multiplexed mode) and which need
 * one to themselves. Decided here, by name, never guessed at run time.
 *
 * - `shared`: a plain request/reply that leaves the connection as it found it (GET, SET, EVAL, PUBLISH, ...).
 *   Every command not listed below is `shared`.
 * - `blocking`: holds the connection until data arrives or a timeout passes (BLPOP, XREAD, WAIT, ...). It gets its
 *   own block time on top of `readTimeoutMs`.
 * - `transaction`: MULTI/EXEC/WATCH/DISCARD/UNWATCH, which only mean something on one connection in a row.
 * - `connection-state`: changes who or where the connection is (SELECT, AUTH, HELLO, CLIENT ..., READONLY, RESET).
 * - `subscriber`: puts the connection in subscriber or monitor mode, or ends it (SUBSCRIBE..., MONITOR, QUIT, SYNC).
 */
export type CommandClass = 'shared' | 'blocking' | 'transaction' | 'connection-state' | 'subscriber';

const TABLE: ReadonlyMap<string, CommandClass> = new Map<string, CommandClass>([
  ...names('blocking', 'BLPOP BRPOP BRPOPLPUSH BLMOVE BLMPOP BZPOPMIN BZPOPMAX BZMPOP XREAD XREADGROUP WAIT WAITAOF'),
  ...names('transaction', 'MULTI EXEC DISCARD WATCH UNWATCH'),
  ...names('connection-state', 'SELECT AUTH HELLO CLIENT RESET READONLY READWRITE ASKING SWAPDB'),
  ...names('subscriber', 'SUBSCRIBE PSUBSCRIBE SSUBSCRIBE UNSUBSCRIBE PUNSUBSCRIBE SUNSUBSCRIBE MONITOR QUIT SYNC PSYNC SHUTDOWN'),
]);

/** CLIENT subcommands that only read, so a connection that ran them is left as it was. */
const READ_ONLY_CLIENT = new Set(['LIST', 'INFO', 'ID', 'GETNAME', 'GETREDIR', 'TRACKINGINFO']);

/** Blocking commands whose timeout, in seconds, is the last argument. */
const TIMEOUT_LAST_SECONDS = new Set(['BLPOP', 'BRPOP', 'BRPOPLPUSH', 'BLMOVE', 'BZPOPMIN', 'BZPOPMAX']);
/** Blocking commands whose timeout, in seconds, is the first argument. */
const TIMEOUT_FIRST_SECONDS = new Set(['BLMPOP', 'BZMPOP']);

/**
 * The class of a command (case-insensitive).
 * @example
 * ```ts
 * commandClass('get'); // 'shared'
 * commandClass('BLPOP'); // 'blocking'
 * ```
 */
export function commandClass(command: string): CommandClass {
  const known = TABLE.get(command);
  if (known !== undefined) return known;
  return TABLE.get(command.toUpperCase()) ?? 'shared';
}

/** Whether multiplexed mode may pipeline this command onto a connection other callers also use. */
export function isShareable(command: string): boolean {
  return commandClass(command) === 'shared';
}

/**
 * Whether a pooled connection must be replaced after running this command through `execute`, because it may have
 * changed the connection's state (database, user, MULTI, subscriber mode) for the next borrower.
 */
export function leavesConnectionChanged(command: string, args: readonly unknown[]): boolean {
  const kind = commandClass(command);
  if (kind === 'shared' || kind === 'blocking') return false;
  if (command.toUpperCase() === 'CLIENT') return !READ_ONLY_CLIENT.has(String(args[0] ?? '').toUpperCase());
  return true;
}

/**
 * How long a blocking command may block, in milliseconds, read from its arguments: `Infinity` for "forever"
 * (a timeout of 0), `0` for a command that does not block (XREAD without BLOCK, any non-blocking command).
 */
export function blockTimeMs(command: string, args: readonly unknown[]): number {
  if (commandClass(command) !== 'blocking') return 0;
  const name = command.toUpperCase();
  if (TIMEOUT_LAST_SECONDS.has(name)) return seconds(args[args.length - 1]);
  if (TIMEOUT_FIRST_SECONDS.has(name)) return seconds(args[0]);
  if (name === 'WAIT' || name === 'WAITAOF') return milliseconds(args[args.length - 1]);
  if (name === 'XREAD' || name === 'XREADGROUP') {
    const at = args.findIndex((arg) => String(arg).toUpperCase() === 'BLOCK');
    return at === -1 ? 0 : milliseconds(args[at + 1]);
  }
  return 0;
}

function seconds(value: unknown): number {
  const parsed = Number(String(value));
  if (!Number.isFinite(parsed) || parsed < 0) return 0;
  return parsed === 0 ? Infinity : parsed * 1000;
}

function milliseconds(value: unknown): number {
  const parsed = Number(String(value));
  if (!Number.isFinite(parsed) || parsed < 0) return 0;
  return parsed === 0 ? Infinity : parsed;
}

function names(kind: CommandClass, list: string): [string, CommandClass][] {
  return list.split(' ').map((name) => [name, kind]);
}
