import { Redis, type ChainableCommander, type RedisCommander } from 'ioredis';
import { InvalidArgumentError } from '../errors.js';
import type { CommandOptions, RedisArgument } from '../connection/send.js';
import { toRedisArguments } from './arguments.js';

// The one place methods are defined from a command list, as ioredis' own Commander does: `get` and `getBuffer`
// for every command of ioredis' client, typed by ioredis' RedisCommander interface through declaration merging.

/** How a typed command's reply is decoded: as ioredis' method (`'string'`) or as its `...Buffer` twin (`'buffer'`). */
export type IoredisReply = 'string' | 'buffer';

/** What `exec()` of `commands.multi()` / `commands.pipeline()` resolves to: ioredis' `[error, result]` pairs. */
export type BatchReplies = [error: Error | null, result: unknown][] | null;

/** One command recorded by `commands.multi()` or `commands.pipeline()`, with its arguments as they will be sent. */
export interface RecordedCommand {
  /** The command name (`get` for both `get` and `getBuffer`; the first argument of `call`). */
  readonly name: string;
  /** The arguments, flattened and checked. */
  readonly args: readonly RedisArgument[];
  /** What ioredis' `multi(commands)` / `pipeline(commands)` replays: `['getBuffer', key]`, callback included. */
  readonly replay: readonly unknown[];
}

/** How a pool runs its `commands`: the pool's own `executeWith`, and one batch on one leased connection. */
export interface CommandRoute {
  /** Runs one command, routed, timed and typed as the pool's `execute`. */
  executeWith(options: CommandOptions | undefined, command: string, ...args: RedisArgument[]): Promise<unknown>;
  /** Runs a recorded MULTI/EXEC transaction or pipeline on one connection, leased at this call. */
  execBatch(kind: 'multi' | 'pipeline', commands: readonly RecordedCommand[]): Promise<BatchReplies>;
}

/** Methods that only mean something on a connection you hold: `use()`/`lease()` and `subscriber()` offer those. */
const HELD_CONNECTION_COMMANDS = [
  ...['multi', 'exec', 'discard', 'watch', 'unwatch', 'quit', 'monitor'],
  ...['subscribe', 'psubscribe', 'ssubscribe', 'unsubscribe', 'punsubscribe', 'sunsubscribe'],
] as const;
type HeldConnectionCommand = (typeof HELD_CONNECTION_COMMANDS)[number];

/** One typed method: the command it sends (undefined: `call`, named by its first argument) and its reply kind. */
interface Method {
  readonly name: string | undefined;
  readonly reply: IoredisReply;
}

/** Every method, from ioredis' own list (its `@ioredis/commands` table), less those that need a held connection. */
const METHODS: ReadonlyMap<string, Method> = new Map<string, Method>([
  ...Redis.prototype
    .getBuiltinCommands()
    .filter((name) => !(HELD_CONNECTION_COMMANDS as readonly string[]).includes(name))
    .flatMap((name): [string, Method][] => [
      [name, { name, reply: 'string' }],
      [`${name}Buffer`, { name, reply: 'buffer' }],
    ]),
  ['call', { name: undefined, reply: 'string' }],
  ['callBuffer', { name: undefined, reply: 'buffer' }],
]);

type Callback<T = unknown> = (error: Error | null, result?: T) => void;

/**
 * ioredis' typed command methods on a pool (`pool.commands`): the same names, arguments, reply types and reply
 * transforms as an ioredis client (`get` is `string | null`, `hgetall` an object, `getBuffer` a `Buffer | null`),
 * each routed, timed and failing like the pool's `execute` (typed errors, block time for blocking commands). The
 * methods that need a held connection (WATCH, SUBSCRIBE, ...) are left out: use the pool's `use()` or `subscriber()`.
 *
 * @example
 * ```ts
 * await redis.commands.hset('user:42', { name: 'Ada', visits: 1 });
 * const user = await redis.commands.hgetall('user:42'); // { name: 'Ada', visits: '1' }
 * const visits = await redis.commands.hincrby('user:42', 'visits', 1); // 2
 * ```
 */
export class RedisCommands {
  readonly #route: CommandRoute;

  /** @internal Every pool makes its own: `pool.commands`. */
  constructor(route: CommandRoute) {
    this.#route = route;
  }

  /**
   * A MULTI/EXEC transaction, as ioredis' `multi()`: chain commands, then `exec()` leases one connection, runs them
   * and releases it. `exec()` resolves to `[error, result]` pairs, or `null` when a WATCHed key changed, and rejects
   * with the pool's typed errors (`INVALID_ARGUMENT`, `NO_TARGET`, `CROSS_SLOT`, `REDIS_REPLY` for EXECABORT,
   * `REDIS_CONNECTION`, `REDIS_TIMEOUT`, acquire errors). Nothing is sent before `exec()`.
   * @param commands - commands to start with, as ioredis takes them: `[['set', 'a', '1'], ['incr', 'a']]`.
   * @example
   * ```ts
   * const replies = await redis.commands.multi().incr('visits').expire('visits', 60).exec(); // [[null, 1], [null, 1]]
   * ```
   */
  multi(commands?: unknown[][]): ChainableCommander {
    return new CommandBatch('multi', this.#route, commands);
  }

  /**
   * A pipeline, as ioredis' `pipeline()`: chain commands, then `exec()` sends them together on one leased
   * connection. Errors as {@link RedisCommands.multi}; one command's error reply is its own pair's error.
   * @param commands - commands to start with: `[['set', 'a', '1'], ['get', 'a']]`.
   * @example
   * ```ts
   * const replies = await redis.commands.pipeline().set('a', '1').get('a').exec(); // [[null, 'OK'], [null, '1']]
   * ```
   */
  pipeline(commands?: unknown[][]): ChainableCommander {
    return new CommandBatch('pipeline', this.#route, commands);
  }

  static {
    for (const [methodName, method] of METHODS) {
      define(RedisCommands.prototype, methodName, function (this: RedisCommands, ...args: unknown[]) {
        return send(this.#route, method, args);
      });
    }
  }
}

// Declaration merging types the methods defined above, as ioredis types its own Commander.
export interface RedisCommands extends Omit<RedisCommander, HeldConnectionCommand | `${HeldConnectionCommand}Buffer`> {}

/** The chain of `commands.multi()` / `commands.pipeline()`: records the calls, runs them at `exec()`. */
class CommandBatch {
  readonly #kind: 'multi' | 'pipeline';
  readonly #route: CommandRoute;
  readonly #calls: { readonly methodName: string; readonly args: unknown[] }[] = [];
  #result: Promise<BatchReplies> | undefined = undefined;

  constructor(kind: 'multi' | 'pipeline', route: CommandRoute, commands: unknown[][] | undefined) {
    this.#kind = kind;
    this.#route = route;
    if (commands !== undefined && !Array.isArray(commands)) throw new InvalidArgumentError(`${kind}() takes an array of [method, ...args] arrays, got ${typeof commands}`);
    for (const command of commands ?? []) {
      const [methodName, ...args] = Array.isArray(command) ? command : [command];
      this.#calls.push({ methodName: String(methodName), args });
    }
  }

  /** How many commands are queued. */
  get length(): number {
    return this.#calls.length;
  }

  /** Runs the recorded commands on one leased connection; a second call returns the first call's promise. */
  exec(callback?: Callback<BatchReplies>): Promise<BatchReplies> {
    this.#result ??= this.#run();
    if (typeof callback === 'function') this.#result.then((replies) => callback(null, replies), (error: Error) => callback(error));
    return this.#result;
  }

  async #run(): Promise<BatchReplies> {
    return this.#route.execBatch(this.#kind, this.#calls.map(({ methodName, args }) => record(methodName, args)));
  }

  static {
    for (const methodName of METHODS.keys()) {
      define(CommandBatch.prototype, methodName, function (this: CommandBatch, ...args: unknown[]) {
        this.#calls.push({ methodName, args });
        return this;
      });
    }
  }
}

// Declaration merging types the recorded methods (and `length`) with ioredis' chainable interface.
interface CommandBatch extends ChainableCommander {}

/** Sends one typed command through the pool; a callback, if the last argument is one, gets the outcome too. */
function send(route: CommandRoute, method: Method, args: unknown[]): Promise<unknown> {
  const callback = takeCallback(args);
  let reply: Promise<unknown>;
  try {
    const { name, sent } = checkCall(method, args);
    reply = route.executeWith({ ioredisReply: method.reply }, name, ...sent);
  } catch (error) {
    reply = Promise.reject(error);
  }
  if (callback !== undefined) reply.then((value) => callback(null, value), (error: Error) => callback(error));
  return reply;
}

/** A recorded call, checked as it will be sent. @throws InvalidArgumentError (`INVALID_ARGUMENT`) */
function record(methodName: string, recorded: readonly unknown[]): RecordedCommand {
  const method = METHODS.get(methodName);
  if (method === undefined) throw new InvalidArgumentError(`${JSON.stringify(methodName)} is not a command method of commands.multi()/pipeline()`);
  const args = [...recorded];
  const callback = takeCallback(args);
  const { name, sent } = checkCall(method, args);
  const replay = [methodName, ...(method.name === undefined ? [name] : []), ...sent, ...(callback === undefined ? [] : [callback])];
  return { name, args: sent, replay };
}

/** The command name and checked arguments of one call; `call(name, ...args)` takes its name first. */
function checkCall(method: Method, args: readonly unknown[]): { name: string; sent: RedisArgument[] } {
  if (method.name !== undefined) return { name: method.name, sent: toRedisArguments(method.name, args) };
  const [name, ...rest] = args;
  if (typeof name !== 'string' || name === '' || /\s/.test(name)) {
    throw new InvalidArgumentError(`call() needs a command name without spaces first, got ${typeof name === 'string' ? JSON.stringify(name) : typeof name}`);
  }
  return { name, sent: toRedisArguments(name, rest) };
}

function takeCallback(args: unknown[]): Callback | undefined {
  const last = args[args.length - 1];
  if (typeof last !== 'function') return undefined;
  args.pop();
  return last as Callback;
}

function define(prototype: object, name: string, value: (...args: unknown[]) => unknown): void {
  Object.defineProperty(prototype, name, { value, writable: true, configurable: true });
}
