import { EventEmitter } from 'node:events';
import { PoolClosedError, type CloseOptions, type PoolStats } from '@pool/core';
import type { Redis } from 'ioredis';
import { isReadOnlyCommand } from '../routing/command-keys.js';
import { RedisPoolError, RedisReplyError, type RedisConnectionError, type RedisTimeoutError } from '../errors.js';
import type { RedisPoolOptions } from '../options.js';
import { RedisPool, createRedisPool } from '../single/redis-pool.js';
import { splitCall, validateCommand, type CommandOptions, type RedisArgument, type RedisReply } from '../connection/send.js';
import { RedisCommands } from '../typed/redis-commands.js';
import { createWatch, parseSentinelOptions, type SentinelPoolOptions } from './sentinel-options.js';
import { addressText, type NodeAddress, type SentinelWatch } from './sentinel-watch.js';
import type { CommandExecutor } from '../routing/targets.js';
import type { NodePool, NodeRole } from '../routing/node-pools.js';

export type { SentinelPoolOptions } from './sentinel-options.js';

/** Events of {@link SentinelPool}. */
export interface SentinelPoolEvents {
  /**
   * Every connection to `from` was retired at once and new ones go to `to`: after a sentinel's announcement, a
   * lookup that found another master, or a READONLY reply (then `to` is undefined until the next lookup).
   */
  switch: [from: string | undefined, to: string | undefined, reason: 'announcement' | 'readonly' | 'lookup'];
  /**
   * A node pool was opened: the master's after a lookup or a failover, or a replica's (with `readFromReplicas`).
   * Emitted before any command runs on it, so a listener can instrument it from its first connection.
   */
  '+node': [nodePool: NodePool];
  /** A node pool was closed: its node was replaced (failover, READONLY, roles changed) or the sentinel pool closed. */
  '-node': [nodePool: NodePool];
}

/** One node's pool, with the node's address and the view of it `nodePools()` and the node events give out. */
interface NodeEntry {
  readonly address: string;
  readonly pool: RedisPool;
  readonly nodePool: NodePool;
}

/**
 * A Redis pool that follows a sentinel-monitored master by name. The master is looked up through the sentinels;
 * on a sentinel's `+switch-master`, or a READONLY reply from the believed master, every connection to the old
 * master is retired at once (idle ones closed, in-use ones disconnected so their calls fail fast) and new ones go to
 * the new master, without recreating the pool. `closeOnError` defaults to true.
 */
export class SentinelPool extends EventEmitter<SentinelPoolEvents> implements CommandExecutor {
  readonly #name: string;
  readonly #watch: SentinelWatch;
  readonly #ownsWatch: boolean;
  readonly #nodeOptions: RedisPoolOptions;
  readonly #readFromReplicas: boolean;
  readonly #retries: number;
  #master: NodeEntry | undefined;
  #lookup: Promise<NodeEntry> | undefined;
  #replicas: NodeEntry[] | undefined;
  #replicaLookup: Promise<NodeEntry[]> | undefined;
  #isClosed = false;
  #closing: Promise<void> | undefined = undefined;
  #lastRecheckAt = -Infinity;
  readonly #onSwitch = (name: string, master: NodeAddress): void => {
    if (name === this.#name && !this.#isClosed) this.#switchTo(master, 'announcement');
  };

  /**
   * ioredis' typed command methods, run like {@link SentinelPool.execute} (on the master, read-only ones on a
   * replica with `readFromReplicas`, retried across a failover as `execute` is); `commands.multi()` / `pipeline()`
   * run on one connection to the master. See {@link RedisCommands}.
   * @example
   * ```ts
   * const visits: number = await redis.commands.incr('visits');
   * ```
   */
  readonly commands: RedisCommands = new RedisCommands({
    executeWith: (options, command, ...args) => this.executeWith(options, command, ...args),
    execBatch: async (kind, commands) => {
      const replay = commands.map((command) => [...command.replay]);
      return (await this.#currentMaster()).pool.commands[kind](replay).exec();
    },
  });

  /**
   * @param watch - a shared sentinel watch (sentinel hash pools share one); made from the options when absent.
   * @internal Create sentinel pools with {@link createSentinelPool}; the constructor's shape may change.
   * @throws InvalidRedisOptionError (`INVALID_OPTION`) and `@pool/core`'s InvalidOptionError.
   */
  constructor(options: SentinelPoolOptions, watch?: SentinelWatch) {
    super();
    const parsed = parseSentinelOptions(options);
    this.#name = parsed.name;
    this.#nodeOptions = parsed.nodeOptions;
    this.#readFromReplicas = parsed.readFromReplicas;
    this.#retries = parsed.retries;
    this.#ownsWatch = watch === undefined;
    this.#watch = watch ?? createWatch(parsed.sentinels, options, parsed.nodeOptions);
    this.#watch.on('switch-master', this.#onSwitch);
    this.#watch.listen();
    // Look the master up now so the first call finds it; a failure here is retried by that call.
    this.#currentMaster().catch(() => undefined);
  }

  /** The master name. */
  get name(): string {
    return this.#name;
  }

  /** Whether each node pool retires all its connections when one breaks (pyredis' `close_on_err`). @default true */
  get closeOnError(): boolean {
    return this.#nodeOptions.closeOnError ?? true;
  }

  /** The master's `host:port` as last known, or undefined before the first lookup. */
  get master(): string | undefined {
    return this.#master?.address;
  }

  /**
   * The node pools open now: the master's (once looked up), then the replicas' (with `readFromReplicas`, once a
   * read needed them), each named `<master name>/<role>/<host:port>`. A failover closes them and opens others:
   * listen to `+node` to learn of each new one (and `-node` of each closed one).
   * @example
   * ```ts
   * import { instrumentPool } from '@pool/core/opentelemetry';
   * import type { NodePool } from '@pool/redis';
   *
   * const follow = ({ name, pool }: NodePool): void => void instrumentPool(pool, { name });
   * redis.nodePools().forEach(follow);
   * redis.on('+node', follow); // the new master's pool after a failover
   * ```
   */
  nodePools(): NodePool[] {
    const entries = [this.#master, ...(this.#replicas ?? [])].filter((entry): entry is NodeEntry => entry !== undefined);
    return entries.map((entry) => entry.nodePool);
  }

  /**
   * Runs one command on the master (or, for a read-only command with `readFromReplicas`, on a random replica).
   * @throws NoMasterError (`NO_MASTER`), plus everything `RedisPool.execute` throws — as rejections.
   * @example
   * ```ts
   * await redis.execute('SET', 'k', 'v');
   * ```
   */
  async execute(command: string, ...args: RedisArgument[]): Promise<RedisReply> {
    validateCommand(command, args);
    return this.#execute(undefined, command, args);
  }

  /** {@link SentinelPool.execute} with per-call options; without options, the same as `execute`. */
  executeWith(options: CommandOptions | undefined, command: string, ...args: RedisArgument[]): Promise<RedisReply>;
  executeWith(command: string, ...args: RedisArgument[]): Promise<RedisReply>;
  async executeWith(first: CommandOptions | string | undefined, ...rest: RedisArgument[]): Promise<RedisReply> {
    const { options, command, args } = splitCall(first, rest);
    return this.#execute(options, command, args);
  }

  async #execute(options: CommandOptions | undefined, command: string, args: RedisArgument[]): Promise<RedisReply> {
    const readOnly = isReadOnlyCommand(command);
    if (this.#readFromReplicas && readOnly) {
      const replica = await this.#randomReplica();
      if (replica !== undefined) {
        try {
          return await replica.pool.executeWith(options, command, ...args);
        } catch (error) {
          if (!isNodeFailure(error)) throw error;
          this.#forgetReplicas();
        }
      }
    }
    for (let attempt = 0; ; attempt++) {
      const master = await this.#currentMaster();
      try {
        return await master.pool.executeWith(options, command, ...args);
      } catch (error) {
        if (!this.#mayRetry(master, error, readOnly) || attempt >= this.#retries) throw error;
      }
    }
  }

  /**
   * Runs `fn` with a connection to the master, released afterwards.
   * @example
   * ```ts
   * await redis.use((connection) => connection.multi().incr('a').incr('b').exec());
   * ```
   */
  async use<R>(fn: (connection: Redis) => R | Promise<R>): Promise<R> {
    return (await this.#currentMaster()).pool.use(fn);
  }

  /** Stats of the current master's pool (all zero before the first lookup). */
  stats(): PoolStats {
    return this.#master?.pool.stats() ?? EMPTY_STATS;
  }

  /** Closes every node pool and, unless shared, the sentinel subscriptions. */
  close(options?: CloseOptions): Promise<void> {
    // Every call gets the first call's promise: a second close() resolves only when everything is closed.
    this.#closing ??= this.#closeNodes(options);
    return this.#closing;
  }

  async #closeNodes(options: CloseOptions | undefined): Promise<void> {
    this.#isClosed = true;
    this.#watch.off('switch-master', this.#onSwitch);
    if (this.#ownsWatch) this.#watch.close();
    const entries = [this.#master, ...(this.#replicas ?? [])].filter((node): node is NodeEntry => node !== undefined);
    this.#master = undefined;
    this.#replicas = undefined;
    const closed = Promise.all(entries.map((node) => node.pool.close(options)));
    for (const entry of entries) this.emit('-node', entry.nodePool);
    await closed;
  }

  /** Whether a failed call may run again, retiring the master first when the failure says it is no longer one. */
  #mayRetry(master: NodeEntry, error: unknown, readOnly: boolean): boolean {
    if (this.#isClosed) return false;
    if (error instanceof RedisReplyError && error.replyCode === 'READONLY') {
      // Proof of a switch: a demoted master keeps its clients open for seconds, answering READONLY to writes.
      this.#retire(master, 'readonly');
      return true;
    }
    // Retired while this call waited for a connection: it never ran.
    if (error instanceof PoolClosedError) return master !== this.#master;
    if (isNodeFailure(error)) {
      this.#recheck(master);
      // A read may run twice; a write only if it surely never reached the server.
      return readOnly || (error as RedisConnectionError | RedisTimeoutError).sent === false;
    }
    return false;
  }

  async #currentMaster(): Promise<NodeEntry> {
    if (this.#isClosed) throw new PoolClosedError();
    return this.#master ?? this.#lookUp(undefined);
  }

  /** A connection to the master failed: ask the sentinels whether it is still the master. */
  #recheck(master: NodeEntry): void {
    // Many callers fail together when a master dies: one lookup at a time, at most one per RECHECK_INTERVAL_MS.
    if (this.#lookup !== undefined || performance.now() - this.#lastRecheckAt < RECHECK_INTERVAL_MS) return;
    this.#lastRecheckAt = performance.now();
    this.#lookUp(master).catch(() => undefined);
  }

  /**
   * Asks the sentinels for the master (one lookup at a time) and switches to it. `believed` is the master the
   * lookup was started for: if an announcement or a READONLY changed the master meanwhile, that newer state wins
   * over the lookup's possibly older answer.
   */
  #lookUp(believed: NodeEntry | undefined): Promise<NodeEntry> {
    this.#lookup ??= this.#watch.masterOf(this.#name).then(
      (address) => {
        this.#lookup = undefined;
        if (this.#master !== believed && this.#master !== undefined) return this.#master;
        return this.#switchTo(address, 'lookup');
      },
      (error: unknown) => {
        this.#lookup = undefined;
        throw error;
      },
    );
    return this.#lookup;
  }

  /** Points the pool at `address` and retires every connection to the previous master at once. */
  #switchTo(address: NodeAddress, reason: 'announcement' | 'lookup'): NodeEntry {
    const text = addressText(address);
    if (this.#master?.address === text) return this.#master;
    if (this.#isClosed) throw new PoolClosedError();
    const previous = this.#master;
    const next = this.#openNode(address, 'master');
    this.#master = next;
    if (previous !== undefined) this.#closeNode(previous);
    // Roles changed: the promoted replica must not also be read through a replica pool.
    this.#forgetReplicas();
    this.emit('+node', next.nodePool);
    this.emit('switch', previous?.address, text, reason);
    return next;
  }

  /** The believed master answered READONLY: retire it now and look the master up again. */
  #retire(master: NodeEntry, reason: 'readonly'): void {
    if (this.#master !== master) return;
    this.#master = undefined;
    this.#closeNode(master);
    this.#forgetReplicas();
    this.emit('switch', master.address, undefined, reason);
  }

  async #randomReplica(): Promise<NodeEntry | undefined> {
    if (this.#replicas === undefined) {
      this.#replicaLookup ??= this.#watch.replicasOf(this.#name).then(
        (addresses) => {
          this.#replicaLookup = undefined;
          if (this.#isClosed) return [];
          if (this.#replicas === undefined) {
            this.#replicas = addresses.map((address) => this.#openNode(address, 'replica'));
            for (const replica of this.#replicas) this.emit('+node', replica.nodePool);
          }
          return this.#replicas;
        },
        () => {
          this.#replicaLookup = undefined;
          return [];
        },
      );
      await this.#replicaLookup;
    }
    const replicas = this.#replicas ?? [];
    return replicas[Math.floor(Math.random() * replicas.length)];
  }

  #forgetReplicas(): void {
    const replicas = this.#replicas ?? [];
    this.#replicas = undefined;
    for (const replica of replicas) this.#closeNode(replica);
  }

  /** Opens a node's pool (announced by the caller once the pool's state is consistent). */
  #openNode(address: NodeAddress, role: NodeRole): NodeEntry {
    const text = addressText(address);
    const pool = createRedisPool({ ...this.#nodeOptions, host: address.host, port: address.port });
    return { address: text, pool, nodePool: { name: `${this.#name}/${role}/${text}`, node: text, role, pool: pool.pool } };
  }

  /** Closes a replaced node's pool at once (calls on it fail fast and retry elsewhere) and announces it. */
  #closeNode(entry: NodeEntry): void {
    void entry.pool.close({ timeoutMs: 0 });
    this.emit('-node', entry.nodePool);
  }
}

/** Least time between two sentinel lookups caused by failed calls (announcements are never throttled). */
const RECHECK_INTERVAL_MS = 100;

/** The node failed (refused, reset, timed out), as opposed to the server answering with an error. */
function isNodeFailure(error: unknown): boolean {
  return error instanceof RedisPoolError && (error.code === 'REDIS_CONNECTION' || error.code === 'REDIS_TIMEOUT');
}

const EMPTY_STATS: PoolStats = Object.freeze({
  ...{ size: 0, idle: 0, inUse: 0, creating: 0, waiting: 0 },
  ...{ created: 0, destroyed: 0, acquired: 0, released: 0, timeouts: 0, createErrors: 0, destroyErrors: 0 },
}) as PoolStats;

/**
 * Creates a {@link SentinelPool}.
 * @throws InvalidRedisOptionError (`INVALID_OPTION`)
 * @example
 * ```ts
 * const redis = createSentinelPool({ sentinels: ['10.0.0.1:26379', '10.0.0.2:26379'], name: 'mymaster', readFromReplicas: true });
 * await redis.execute('GET', 'k');
 * ```
 */
export function createSentinelPool(options: SentinelPoolOptions): SentinelPool {
  return new SentinelPool(options);
}
