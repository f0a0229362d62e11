import commands from '@ioredis/commands';

/**
 * The pool's policy on top of Redis' own command table: which commands may share a connection with other callers
 * (multiplexed mode) and which need one to themselves. The facts come from `@ioredis/commands` (the table ioredis
 * itself is generated from, with each command's flags: `blocking`, `pubsub`, ...), so a command added to Redis is
 * classed by its flags without a change here; only what the flags do not say is listed below.
 *
 * - `shared`: a plain request/reply that leaves the connection as it found it (GET, SET, EVAL, PUBLISH, ...).
 *   Every command not classed otherwise is `shared`, a command the table does not know (a module's) included.
 * - `blocking`: flagged `blocking` by Redis (BLPOP, XREAD, WAIT, BZMOVE, ...): holds the connection until data
 *   arrives or a timeout passes. It gets its own block time on top of `readTimeoutMs` (see {@link blockTimeMs}).
 * - `transaction`: MULTI/EXEC/WATCH/DISCARD/UNWATCH, which only mean something on one connection in a row.
 * - `connection-state`: changes who or where the connection is (SELECT, AUTH, HELLO, CLIENT ..., READONLY, RESET).
 * - `subscriber`: flagged `pubsub` and not a publish (SUBSCRIBE, SSUBSCRIBE, ...): puts the connection in
 *   subscriber mode; also MONITOR, SYNC, PSYNC (a stream of their own) and QUIT, SHUTDOWN (end the connection).
 */
export type CommandClass = 'shared' | 'blocking' | 'transaction' | 'connection-state' | 'subscriber';

/** What the flags do not say: the pool's own decisions, by lower-case name. */
const POLICY: ReadonlyMap<string, CommandClass> = new Map<string, CommandClass>([
  ...names('transaction', 'multi exec discard watch unwatch'),
  ...names('connection-state', 'select auth hello client reset readonly readwrite asking swapdb'),
  ...names('subscriber', 'monitor quit sync psync shutdown'),
]);

/** `pubsub` commands that only send a message, so the connection stays a normal one. */
const PUBLISHERS = new Set(['publish', 'spublish']);

/** The table's own names (`commands.exists` would also answer true for `constructor` and the like). */
const KNOWN = new Set(commands.list);

/** CLIENT subcommands that only read, so a connection that ran them is left as it was. */
const READ_ONLY_CLIENT = new Set(['LIST', 'INFO', 'ID', 'GETNAME', 'GETREDIR', 'TRACKINGINFO']);

/** Blocking commands whose timeout, in seconds, is the last argument. */
const TIMEOUT_LAST_SECONDS = new Set(['BLPOP', 'BRPOP', 'BRPOPLPUSH', 'BLMOVE', 'BZPOPMIN', 'BZPOPMAX']);
/** Blocking commands whose timeout, in seconds, is the first argument. */
const TIMEOUT_FIRST_SECONDS = new Set(['BLMPOP', 'BZMPOP']);

/** Classes already worked out, by the name as the caller spelled it; a program uses few names. */
const CLASSES = new Map<string, CommandClass>();
const MAX_CACHED_NAMES = 1024;

/**
 * The class of a command (case-insensitive).
 * @example
 * ```ts
 * commandClass('get'); // 'shared'
 * commandClass('BLPOP'); // 'blocking'
 * ```
 */
export function commandClass(command: string): CommandClass {
  const cached = CLASSES.get(command);
  if (cached !== undefined) return cached;
  const kind = classify(command.toLowerCase());
  if (CLASSES.size < MAX_CACHED_NAMES) CLASSES.set(command, kind);
  return kind;
}

function classify(name: string): CommandClass {
  const decided = POLICY.get(name);
  if (decided !== undefined) return decided;
  if (!KNOWN.has(name)) return 'shared';
  if (commands.hasFlag(name, 'blocking')) return 'blocking';
  if (commands.hasFlag(name, 'pubsub') && !PUBLISHERS.has(name)) return 'subscriber';
  return 'shared';
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
 * A blocking command whose timeout argument the pool does not know (one newer than this table, such as BZMOVE)
 * also gets `Infinity`: no read timeout cuts its block short, so bound it with `executeWith({ timeoutMs })`.
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
  return Infinity;
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
