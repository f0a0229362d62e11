import { PoolError, createPool, type CloseOptions, type Lease, type Pool, type PoolOptions, type PoolStats } from '@pool/core';
import { Command, type Cluster } from 'ioredis';
import { ClusterClientFactory } from './cluster-client-factory.js';
import { commandSlots, isReadOnlyCommand } from '../routing/command-keys.js';
import { isShareable, leavesConnectionChanged } from '../connection/commands.js';
import { timerDelayMs } from '../connection/connect-deadline.js';
import { InvalidRedisOptionError, RedisPoolError, RedisReplyError, unwrapCreateError } from '../errors.js';
import { keySlot } from '../routing/hash-slot.js';
import { resolveRedisOptions, type RedisPoolOptions, type ResolvedRedisOptions } from '../options.js';
import { Redactor } from '../redact.js';
import {
  commandShape,
  replyOf,
  splitCall,
  timeoutFor,
  validateCommand,
  type CommandOptions,
  type IoredisReply,
  type RedisArgument,
  type RedisReply,
} from '../connection/send.js';
import { CrossSlotError, NoTargetError, parseHostPort, validateTarget, type CommandExecutor, type Target } from '../routing/targets.js';
import { batchClient, batchRoute, nodeOf } from './cluster-batch.js';
import { NodeWriteCoalescer } from './node-write-coalescer.js';
import { SharedClusterClient, type SharedClusterRules } from './shared-cluster-client.js';
import { execBatchOn } from '../typed/exec-batch.js';
import { RedisCommands, type BatchReplies, type RecordedCommand } from '../typed/redis-commands.js';
import { WriteBatcher } from '../connection/write-batcher.js';

/** Options of {@link createClusterPool}: seed nodes, cluster options, and the Redis and pool options. */
export interface ClusterPoolOptions
  extends Omit<RedisPoolOptions, 'host' | 'port' | 'path' | 'url' | 'database' | 'maxInFlightPerConnection'> {
  /** Some nodes of the cluster, `host[:port]`; the rest is discovered (CLUSTER SLOTS). */
  seeds: readonly string[];
  /** Send read-only commands to a replica of the slot (pyredis' `slave_ok`). @default false */
  readFromReplicas?: boolean;
  /** How many MOVED/ASK/TRYAGAIN/CLUSTERDOWN redirections one command may follow. Minimum: 1. @default 16 */
  maxRedirections?: number;
}

/** A slot, a whole number from 0 to 16383, that routes a keyless command or pins a keyed one. */
class SlotCommand extends Command {
  readonly #slot: number;

  constructor(name: string, args: RedisArgument[], options: ConstructorParameters<typeof Command>[2], slot: number) {
    super(name, args, options);
    this.#slot = slot;
  }

  override getSlot(): number {
    return this.#slot;
  }
}

/**
 * Redis Cluster through ioredis' cluster client. The pool holds up to `size` cluster clients; each keeps at most one
 * connection per node (plus a short-lived one while it loads the slot table), so no node ever holds more than `size`
 * long-lived connections from this pool. A command leases a client, which routes it by its key's slot, follows MOVED
 * and ASK (slot migrations, failovers) and, with `readFromReplicas`, sends read-only commands to a replica (to the
 * master when the slot has none).
 *
 * A command whose keys are in different slots fails with `CROSS_SLOT` before anything is sent; a keyless one needs
 * `on({ shardKey })` or `on({ node })` and fails with `NO_TARGET` without one. Every call is bounded by
 * `readTimeoutMs` (redirections and retries included).
 */
export class ClusterPool implements CommandExecutor {
  readonly #options: ResolvedRedisOptions;
  readonly #redactor: Redactor;
  readonly #pool: Pool<Cluster>;
  readonly #factory: ClusterClientFactory;
  /** Each leased command has a client to itself: its writes go out in one burst per event-loop turn. */
  readonly #writes = new WriteBatcher();
  /** Multiplexed mode: a tick's commands to one node through the shared client leave in one write. */
  readonly #coalescer = new NodeWriteCoalescer();
  /** Multiplexed mode (`multiplex: true`): the client shareable commands share. */
  readonly #shared: SharedClusterClient | undefined;

  /** @throws InvalidRedisOptionError (`INVALID_OPTION`) and `@pool/core`'s InvalidOptionError for a bad option. */
  constructor(options: ClusterPoolOptions) {
    const { seeds, readFromReplicas, maxRedirections, common } = splitOptions(options);
    // The single-server rules check every shared option; the first seed node only stands in for the address.
    const first = seeds[0] as { host: string; port: number };
    this.#options = resolveRedisOptions({ ...common, host: first.host, port: first.port });
    this.#redactor = new Redactor([this.#options.password]);
    this.#factory = new ClusterClientFactory(seeds, this.#options, this.#redactor, readFromReplicas, maxRedirections);
    this.#pool = createPool(this.#factory, this.#options.poolOptions);
    this.#shared = this.#options.multiplex ? new SharedClusterClient(this.#pool, this.#sharedRules()) : undefined;
    this.commands = new RedisCommands({
      executeWith: (callOptions, command, ...args) => this.executeWith(callOptions, command, ...args),
      execBatch: (kind, commands) => this.#execBatch(kind, commands, undefined),
    });
  }

  #sharedRules(): SharedClusterRules {
    const pool: PoolOptions = this.#options.poolOptions;
    // The core counts a duration past the longest timer as Infinity; so does the shared client.
    const duration = (value: number | undefined): number => (value === undefined || value > 2 ** 31 - 1 ? Infinity : value);
    return {
      isBroken: (client) => this.#factory.isBroken(client),
      createdAt: (client) => this.#factory.createdAt(client),
      maxLifetimeMs: duration(pool.maxLifetimeMs),
      maxHoldMs: duration(pool.leakDetectionMs) / 2,
    };
  }

  /**
   * ioredis' typed command methods, routed by key like {@link ClusterPool.execute} (keyless ones through
   * `on(target).commands`); `commands.multi()` / `pipeline()` run on one leased cluster client, their keys in one
   * slot. See {@link RedisCommands}.
   * @example
   * ```ts
   * const name: string | null = await cluster.commands.get('{user42}.name');
   * ```
   */
  readonly commands: RedisCommands;

  /** The `@pool/core` pool of cluster clients, for its events and stats. */
  get pool(): Pool<Cluster> {
    return this.#pool;
  }

  /**
   * Runs one command on the node that serves its key's slot.
   * @throws NoTargetError (`NO_TARGET`), CrossSlotError (`CROSS_SLOT`), InvalidArgumentError (`INVALID_ARGUMENT`),
   *   RedisReplyError, RedisConnectionError, RedisTimeoutError, and `@pool/core` acquire errors — as rejections.
   * @example
   * ```ts
   * await cluster.execute('SET', '{user42}.name', 'Ada');
   * await cluster.execute('MGET', '{user42}.name', '{user42}.email');
   * ```
   */
  execute(command: string, ...args: RedisArgument[]): Promise<RedisReply> {
    try {
      validateCommand(command, args);
      return this.#execute(undefined, command, args);
    } catch (error) {
      // Every failure is a rejection, as from executeWith.
      return Promise.reject(error);
    }
  }

  /** {@link ClusterPool.execute} with per-call options; without options, the same as `execute`. */
  executeWith(options: CommandOptions | undefined, command: string, ...args: RedisArgument[]): Promise<RedisReply>;
  executeWith(command: string, ...args: RedisArgument[]): Promise<RedisReply>;
  async executeWith(first: CommandOptions | string | undefined, ...rest: RedisArgument[]): Promise<RedisReply> {
    const { options, command, args } = splitCall(first, rest);
    return this.#execute(options, command, args);
  }

  #execute(options: CommandOptions | undefined, command: string, args: RedisArgument[]): Promise<RedisReply> {
    const slots = commandSlots(command, args);
    if (slots.length > 1) throw new CrossSlotError(command, 'cluster slots');
    if (slots.length === 0) throw new NoTargetError(command);
    return this.#run(command, args, this.#callOf(command, args, options), undefined);
  }

  /**
   * Routes by a shard key's slot (MOVED and ASK still followed) or to one node (`'host:port'`, as the cluster
   * announces it; no redirection is followed there). Its `commands` are routed the same way.
   * @throws InvalidArgumentError (`INVALID_ARGUMENT`) for a malformed target.
   * @example
   * ```ts
   * await cluster.on({ shardKey: '{user42}' }).execute('EVAL', script, 0);
   * await cluster.on({ node: '10.0.0.5:7000' }).execute('DBSIZE');
   * const pong = await cluster.on({ node: '10.0.0.5:7000' }).commands.ping();
   * ```
   */
  on(target: Target): CommandExecutor {
    const checked = validateTarget(target);
    const run = async (options: CommandOptions | undefined, command: string, args: RedisArgument[]): Promise<RedisReply> => {
      const call = this.#callOf(command, args, options);
      if ('node' in checked) return this.#run(command, args, call, checked.node);
      const slot = keySlot(checked.shardKey);
      if (commandSlots(command, args).some((keySlotOfCommand) => keySlotOfCommand !== slot)) {
        throw new CrossSlotError(command, 'slots than the shard key');
      }
      return this.#run(command, args, call, slot);
    };
    const executeWith = async (first: CommandOptions | string | undefined, ...rest: RedisArgument[]): Promise<RedisReply> => {
      const { options, command, args } = splitCall(first, rest);
      return run(options, command, args);
    };
    const commands = new RedisCommands({ executeWith, execBatch: (kind, recorded) => this.#execBatch(kind, recorded, checked) });
    return {
      executeWith,
      execute: async (command, ...args) => {
        validateCommand(command, args);
        return run(undefined, command, args);
      },
      commands,
    };
  }

  /**
   * Runs `fn` with a leased ioredis cluster client (pipelines and MULTI on one slot, scans per node, ...).
   * @example
   * ```ts
   * await cluster.use((client) => client.multi().incr('{a}.x').incr('{a}.y').exec());
   * ```
   */
  async use<R>(fn: (client: Cluster) => R | Promise<R>): Promise<R> {
    const client = await this.#pool.acquire().catch(unwrapCreateError);
    try {
      return await fn(client);
    } finally {
      await this.#pool.release(client);
    }
  }

  /** Leases a cluster client; `release()` (or `await using`) gives it back. */
  lease(): Promise<Lease<Cluster>> {
    return this.#pool.lease().catch(unwrapCreateError);
  }

  /** Occupancy and counters of the pool of cluster clients. */
  stats(): PoolStats {
    return this.#pool.stats();
  }

  /** Closes the pool: queued calls fail with `POOL_CLOSED`, calls in flight finish, clients disconnect. */
  async close(options?: CloseOptions): Promise<void> {
    await this.#shared?.close();
    await this.#pool.close(options);
  }

  /** The timeout and reply decoding of one call. @throws InvalidArgumentError (`INVALID_ARGUMENT`) for bad options. */
  #callOf(command: string, args: RedisArgument[], options: CommandOptions | undefined): Call {
    return { timeoutMs: timeoutFor(command, args, this.#options.readTimeoutMs, options), reply: replyOf(options) };
  }

  #run(command: string, args: RedisArgument[], call: Call, route: number | string | undefined): Promise<RedisReply> {
    const { timeoutMs } = call;
    // Multiplexed: a shareable command routed by slot needs no client to itself.
    if (this.#shared !== undefined && typeof route !== 'string' && isShareable(command)) {
      return this.#shared
        .run((client) => this.#send(client, command, args, call, route, false))
        .catch((error: unknown) => {
          // Taking the shared client failed (a core acquire error, or a failed connect): as for a leased command.
          if (error instanceof PoolError) unwrapCreateError(error);
          throw this.#typed(error, command, timeoutMs);
        });
    }
    return this.#runLeased(command, args, call, route);
  }

  async #runLeased(command: string, args: RedisArgument[], call: Call, route: number | string | undefined): Promise<RedisReply> {
    const { timeoutMs } = call;
    const client = await this.#pool.acquire().catch(unwrapCreateError);
    try {
      return await this.#send(client, command, args, call, route, true);
    } catch (error) {
      throw this.#typed(error, command, timeoutMs);
    } finally {
      // SELECT, CLIENT SETNAME, MULTI ... changed one of its node connections for the next borrower: replace it.
      if (leavesConnectionChanged(command, args)) this.#factory.markBroken(client);
      await this.#pool.release(client);
    }
  }

  /** Builds the command for ioredis and sends it: through the write batcher for a leased client, else at once. */
  #send(client: Cluster, command: string, args: RedisArgument[], call: Call, route: number | string | undefined, batched: boolean): Promise<unknown> {
    // Resolved before the command exists: a timer armed on a command never sent would reject unobserved.
    const node = typeof route === 'string' ? nodeOf(client, route) : undefined;
    const { name, replyEncoding } = commandShape(command, call.reply, this.#options.encoding);
    // The read-only flag lets ioredis send it to a replica with readFromReplicas (it looks names up in lower case).
    const options = { replyEncoding, readOnly: isReadOnlyCommand(command) };
    const pending = typeof route === 'number' ? new SlotCommand(name, args, options, route) : new Command(name, args, options);
    if (call.timeoutMs !== Infinity) pending.setTimeout(timerDelayMs(call.timeoutMs));
    if (batched) return this.#writes.write(node ?? client, pending);
    // The shared client: this tick's commands to one node leave in one write.
    if (node === undefined) {
      // ioredis computes (and keeps) the slot of a command sent without a route; it routes by the same value.
      const slot = pending.getSlot();
      if (typeof slot === 'number') this.#coalescer.coalesce(client, slot);
    }
    void (node ?? client).sendCommand(pending);
    return pending.promise;
  }

  /** Runs a batch on one leased cluster client, where its keys or its target say (see `cluster-batch.ts`). */
  async #execBatch(kind: 'multi' | 'pipeline', commands: readonly RecordedCommand[], target: Target | undefined): Promise<BatchReplies> {
    const route = batchRoute(kind, commands, target);
    const client = await this.#pool.acquire().catch(unwrapCreateError);
    try {
      const context = { redactor: this.#redactor, readTimeoutMs: this.#options.readTimeoutMs, onBroken: () => this.#factory.markBroken(client), onChanged: () => this.#factory.markBroken(client) };
      return await execBatchOn(batchClient(client, route), kind, commands, context);
    } finally {
      await this.#pool.release(client);
    }
  }

  #typed(error: unknown, command: string, timeoutMs: number): unknown {
    if (error instanceof RedisPoolError) return error;
    const typed = this.#redactor.toRedisError(error, command.toUpperCase(), timeoutMs);
    if (typed instanceof RedisReplyError && typed.replyCode === 'CROSSSLOT') return new CrossSlotError(command, 'cluster slots', typed);
    return typed;
  }
}

/** The timeout and reply decoding of one call. */
interface Call {
  readonly timeoutMs: number;
  readonly reply: IoredisReply | undefined;
}

function splitOptions(options: ClusterPoolOptions): {
  seeds: { host: string; port: number }[];
  readFromReplicas: boolean;
  maxRedirections: number;
  common: RedisPoolOptions;
} {
  if (options === null || typeof options !== 'object') throw new InvalidRedisOptionError('options must be an object');
  const { seeds, readFromReplicas = false, maxRedirections = 16, ...common } = options;
  for (const key of ['host', 'port', 'path', 'url', 'database', 'maxInFlightPerConnection'] as const) {
    if (key in common) throw new InvalidRedisOptionError(`${key} is not an option of a cluster pool`);
  }
  if (!Array.isArray(seeds) || seeds.length === 0) throw new InvalidRedisOptionError('seeds must be a non-empty array of "host:port" strings');
  const parsed = seeds.map((seed: unknown) => {
    const address = typeof seed === 'string' ? parseHostPort(seed, 6379) : undefined;
    if (address === undefined) throw new InvalidRedisOptionError(`seeds entries must be "host[:port]", got ${JSON.stringify(seed)}`);
    return address;
  });
  if (typeof readFromReplicas !== 'boolean') throw new InvalidRedisOptionError(`readFromReplicas must be a boolean, got ${typeof readFromReplicas}`);
  if (!Number.isSafeInteger(maxRedirections) || maxRedirections < 1) {
    throw new InvalidRedisOptionError(`maxRedirections must be an integer >= 1, got ${String(maxRedirections)}`);
  }
  return { seeds: parsed, readFromReplicas, maxRedirections, common };
}

/**
 * Creates a {@link ClusterPool}.
 * @throws InvalidRedisOptionError (`INVALID_OPTION`)
 * @example
 * ```ts
 * const cluster = createClusterPool({ seeds: ['10.0.0.1:7000', '10.0.0.2:7000'], readFromReplicas: true, size: 8 });
 * await cluster.execute('GET', 'user:42');
 * ```
 */
export function createClusterPool(options: ClusterPoolOptions): ClusterPool {
  return new ClusterPool(options);
}
