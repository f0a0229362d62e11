import type { CloseOptions, Pool, PoolStats } from '@pool/core';
import type { Redis } from 'ioredis';
import { batchKeys, commandKeys } from '../routing/command-keys.js';
import { InvalidRedisOptionError } from '../errors.js';
import { keyBucket, type RedisKey } from '../routing/hash-slot.js';
import type { RedisPoolOptions } from '../options.js';
import { createRedisPool } from '../single/redis-pool.js';
import { splitCall, type CommandOptions, type RedisArgument, type RedisReply } from '../connection/send.js';
import { RedisCommands, type BatchReplies, type RecordedCommand } from '../typed/redis-commands.js';
import type { NodePool } from '../routing/node-pools.js';
import {
  CrossSlotError,
  NoTargetError,
  UnknownNodeError,
  formatHostPort,
  parseHostPort,
  validateTarget,
  type CommandExecutor,
  type Target,
} from '../routing/targets.js';

/** What a hash pool needs of each bucket: a `RedisPool`, a `SentinelPool`, or anything shaped like them. */
export interface HashBucket<C> extends CommandExecutor {
  /** Runs `fn` with a leased connection of this bucket and releases it afterwards. */
  use<R>(fn: (connection: C) => R | Promise<R>): Promise<R>;
  /** The bucket pool's occupancy and counters. */
  stats(): PoolStats;
  /** Closes the bucket's pool. */
  close(options?: CloseOptions): Promise<void>;
  /** The bucket's `@pool/core` pool, when it has one for its whole life (`RedisPool.pool`): listed by `nodePools()`. */
  readonly pool?: Pool<C>;
}

/** A hash pool routed to one bucket: `pool.on(target)`. */
export interface BucketExecutor<C> extends CommandExecutor {
  /** The bucket's name (`host:port`, or the master name of a sentinel hash pool). */
  readonly node: string;
  /** Runs `fn` with a connection leased from this bucket (MULTI/EXEC, WATCH, ...). */
  use<R>(fn: (connection: C) => R | Promise<R>): Promise<R>;
}

/**
 * Client-side sharding over independent servers ("buckets", an ordered list): a key goes to bucket
 * `keySlot(key) % buckets.length` (CRC16-XMODEM, Redis Cluster hash tags), so data placed by pyredis' hash pool
 * is found here. Each bucket is a pool of its own with the same options; `size` is per bucket.
 *
 * The key is the command's first key (from ioredis' command table). A command whose keys fall in different buckets
 * fails with `CROSS_SLOT`; a keyless one needs `on({ shardKey })` or `on({ node })` and fails with `NO_TARGET`
 * without one.
 */
export class HashPool<C = Redis> implements CommandExecutor {
  readonly #buckets: readonly HashBucket<C>[];
  readonly #names: readonly string[];
  readonly #byName: ReadonlyMap<string, number>;
  readonly #nodePools: readonly NodePool<C>[];
  /** Set by `close()`: from then on `nodePools()` lists none, as a sentinel pool's does. */
  #closed = false;

  /**
   * ioredis' typed command methods, each on the bucket of its key like {@link HashPool.execute} (keyless ones
   * through `on(target).commands`); `commands.multi()` / `pipeline()` run on one connection of the bucket of their
   * keys. See {@link RedisCommands}.
   * @example
   * ```ts
   * const name: string | null = await shards.commands.get('user:42');
   * ```
   */
  readonly commands: RedisCommands;

  /**
   * @param buckets - the bucket pools in order, each with its name (`host:port`, or a master name).
   * @throws InvalidRedisOptionError (`INVALID_OPTION`) for no buckets or a repeated name.
   */
  constructor(buckets: ReadonlyArray<{ readonly name: string; readonly pool: HashBucket<C> }>) {
    if (buckets.length === 0) throw new InvalidRedisOptionError('buckets must list at least one server');
    this.#buckets = buckets.map((bucket) => bucket.pool);
    this.#names = buckets.map((bucket) => bucket.name);
    const byName = new Map<string, number>();
    for (const [index, name] of this.#names.entries()) {
      if (byName.has(name)) throw new InvalidRedisOptionError(`buckets must not repeat ${JSON.stringify(name)}`);
      byName.set(name, index);
    }
    this.#byName = byName;
    this.#nodePools = buckets.flatMap(({ name, pool }): NodePool<C>[] =>
      pool.pool === undefined ? [] : [{ name, node: name, role: 'master', pool: pool.pool }],
    );
    this.commands = new RedisCommands({
      executeWith: (options, command, ...args) => this.executeWith(options, command, ...args),
      execBatch: (kind, commands) => this.#execBatch(kind, commands),
    });
  }

  /** The bucket names, in order. */
  get nodes(): readonly string[] {
    return this.#names;
  }

  /**
   * Each bucket's `@pool/core` pool, in bucket order, named by its bucket (`host:port`): for its events and stats,
   * and for `instrumentPool` from `@pool/core/opentelemetry`. A bucket's pool is the same for the hash pool's life;
   * once `close()` is called none is open, and the list is empty.
   * @example
   * ```ts
   * import { instrumentPool } from '@pool/core/opentelemetry';
   *
   * for (const { name, pool } of shards.nodePools()) instrumentPool(pool, { name });
   * ```
   */
  nodePools(): readonly NodePool<C>[] {
    return this.#closed ? [] : this.#nodePools;
  }

  /**
   * Runs one command on the bucket of its first key.
   * @throws NoTargetError (`NO_TARGET`) for a keyless command, CrossSlotError (`CROSS_SLOT`) for keys in
   *   different buckets, plus everything `RedisPool.execute` throws — all as rejections.
   * @example
   * ```ts
   * await shards.execute('SET', 'user:42', 'Ada');
   * ```
   */
  execute(command: string, ...args: RedisArgument[]): Promise<RedisReply> {
    return this.executeWith(undefined, command, ...args);
  }

  /** {@link HashPool.execute} with per-call options; without options, the same as `execute`. */
  executeWith(options: CommandOptions | undefined, command: string, ...args: RedisArgument[]): Promise<RedisReply>;
  executeWith(command: string, ...args: RedisArgument[]): Promise<RedisReply>;
  async executeWith(first: CommandOptions | string | undefined, ...rest: RedisArgument[]): Promise<RedisReply> {
    const { options, command, args } = splitCall(first, rest);
    return this.#bucket(this.#bucketOfCommand(command, args)).executeWith(options, command, ...args);
  }

  /**
   * Routes to one bucket: by a shard key (its bucket, as if it were the command's key) or by node name.
   * @throws InvalidArgumentError (`INVALID_ARGUMENT`), UnknownNodeError (`UNKNOWN_NODE`)
   * @example
   * ```ts
   * await shards.on({ shardKey: 'user:42' }).execute('EVAL', 'return 1', 0);
   * const sizes = await Promise.all(shards.nodes.map((node) => shards.on({ node }).execute('DBSIZE')));
   * ```
   */
  on(target: Target): BucketExecutor<C> {
    const index = this.#bucketOfTarget(validateTarget(target));
    const bucket = this.#bucket(index);
    return {
      node: this.#nodeName(index),
      execute: (command, ...args) => bucket.execute(command, ...args),
      executeWith: async (first: CommandOptions | string | undefined, ...rest: RedisArgument[]) => {
        const { options, command, args } = splitCall(first, rest);
        return bucket.executeWith(options, command, ...args);
      },
      commands: bucket.commands,
      use: (fn) => bucket.use(fn),
    };
  }

  /** The index of the bucket a key maps to: `keySlot(key) % buckets.length`. */
  bucketOf(key: RedisKey): number {
    return keyBucket(key, this.#buckets.length);
  }

  /** Each bucket's pool stats, by bucket name. */
  stats(): Record<string, PoolStats> {
    const stats: Record<string, PoolStats> = {};
    for (const [index, bucket] of this.#buckets.entries()) stats[this.#nodeName(index)] = bucket.stats();
    return stats;
  }

  /** Closes every bucket. */
  async close(options?: CloseOptions): Promise<void> {
    this.#closed = true;
    await Promise.all(this.#buckets.map((bucket) => bucket.close(options)));
  }

  /** The bucket at an index from `bucketOf` or the name table, so always in range. */
  #bucket(index: number): HashBucket<C> {
    const bucket = this.#buckets[index];
    if (bucket === undefined) throw new RangeError(`no bucket ${index}`);
    return bucket;
  }

  #nodeName(index: number): string {
    return this.#names[index] ?? String(index);
  }

  /** A batch of `commands.multi()` / `pipeline()` runs on the bucket of all its keys, through that bucket's commands. */
  async #execBatch(kind: 'multi' | 'pipeline', commands: readonly RecordedCommand[]): Promise<BatchReplies> {
    const index = this.#bucketOfKeys(kind === 'multi' ? 'MULTI' : 'PIPELINE', batchKeys(commands));
    const replay = commands.map((command) => [...command.replay]);
    return this.#bucket(index).commands[kind](replay).exec();
  }

  #bucketOfCommand(command: string, args: readonly RedisArgument[]): number {
    return this.#bucketOfKeys(command, commandKeys(command, args));
  }

  #bucketOfKeys(command: string, keys: readonly RedisKey[]): number {
    const [first] = keys;
    if (first === undefined) throw new NoTargetError(command);
    const index = this.bucketOf(first);
    for (const key of keys) {
      if (this.bucketOf(key) !== index) throw new CrossSlotError(command, 'buckets of the hash pool');
    }
    return index;
  }

  #bucketOfTarget(target: Target): number {
    if ('shardKey' in target) return this.bucketOf(target.shardKey);
    const index = this.#byName.get(target.node) ?? this.#byName.get(normaliseNode(target.node));
    if (index === undefined) throw new UnknownNodeError(target.node, this.#names);
    return index;
  }
}

/** Options of {@link createHashPool}: the buckets, plus the options every bucket's `RedisPool` gets. */
export interface HashPoolOptions extends Omit<RedisPoolOptions, 'host' | 'port' | 'path' | 'url'> {
  /** The servers, in order, as `host[:port]` (port 6379 by default). The order decides where keys go. */
  buckets: readonly string[];
}

/**
 * Creates a {@link HashPool} of `RedisPool`s, one per server.
 * @throws InvalidRedisOptionError (`INVALID_OPTION`) for a bad bucket list or option.
 * @example
 * ```ts
 * const shards = createHashPool({ buckets: ['10.0.0.1:6379', '10.0.0.2:6379'], size: 8, encoding: 'utf8' });
 * await shards.execute('SET', 'user:42', 'Ada');
 * ```
 */
export function createHashPool(options: HashPoolOptions): HashPool<Redis> {
  if (options === null || typeof options !== 'object') throw new InvalidRedisOptionError('options must be an object');
  const { buckets, ...common } = options;
  if (!Array.isArray(buckets) || buckets.length === 0) {
    throw new InvalidRedisOptionError('buckets must be a non-empty array of "host:port" strings');
  }
  for (const key of ['host', 'port', 'path', 'url'] as const) {
    if (key in common) throw new InvalidRedisOptionError(`${key} is not an option of a hash pool; list servers in buckets`);
  }
  const addresses = buckets.map((bucket: unknown) => {
    const address = typeof bucket === 'string' ? parseHostPort(bucket, 6379) : undefined;
    if (address === undefined) throw new InvalidRedisOptionError(`buckets entries must be "host[:port]", got ${JSON.stringify(bucket)}`);
    return address;
  });
  const names = addresses.map(({ host, port }) => formatHostPort(host, port));
  // Validate everything (including repeats) before any pool exists, so a bad list leaves nothing open.
  if (new Set(names).size !== names.length) throw new InvalidRedisOptionError('buckets must not repeat a server');
  const pools = addresses.map(({ host, port }) => createRedisPool({ ...common, host, port }));
  return new HashPool(pools.map((pool, index) => ({ name: names[index] as string, pool })));
}

function normaliseNode(node: string): string {
  const address = parseHostPort(node, 6379);
  return address === undefined ? node : formatHostPort(address.host, address.port);
}
