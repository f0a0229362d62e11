import { DEFAULTS, createPool, type AcquireOptions, type CloseOptions, type Lease, type Pool, type PoolOptions, type PoolStats } from '@pool/core';
import type { Redis } from 'ioredis';
import { runBulk, validateBulk, type BulkCommand, type BulkResult } from './bulk.js';
import { isShareable, leavesConnectionChanged } from '../connection/commands.js';
import { unwrapCreateError } from '../errors.js';
import { RedisConnectionFactory, isReady } from '../connection/factory.js';
import { Multiplexer, type MultiplexerRules } from './multiplex.js';
import { resolveRedisOptions, type RedisPoolOptions, type ResolvedRedisOptions } from '../options.js';
import { Subscriber, resolveSubscriberOptions, type DataOf, type SubscriberOptions } from './pubsub.js';
import { Redactor } from '../redact.js';
import { WriteBatcher } from '../connection/write-batcher.js';
import {
  replyOf,
  sendOn,
  splitCall,
  timeoutFor,
  validateCommand,
  wasNotSent,
  type CommandOptions,
  type IoredisReply,
  type RedisArgument,
  type RedisReply,
  type SendContext,
} from '../connection/send.js';
import { execBatchOn } from '../typed/exec-batch.js';
import { RedisCommands } from '../typed/redis-commands.js';
import type { Redis as RedisConnection } from 'ioredis';

/** What {@link RedisPool.stats} returns: `@pool/core`'s stats and the multiplexer's. */
export interface RedisPoolStats extends PoolStats {
  /** Connections the multiplexer holds right now (they count as in use in the pool). */
  multiplexConnections: number;
  /** Multiplexed commands sent and not yet answered. */
  multiplexInFlight: number;
  /** Multiplexed commands waiting for room on a connection (`maxInFlightPerConnection`). */
  multiplexQueued: number;
}

/**
 * A pool of ioredis connections to one Redis server (pyredis' `Pool`). Create it with {@link createRedisPool}.
 *
 * `execute` runs one command: in exclusive mode (default) on a connection leased for it alone; in multiplexed mode
 * (`multiplex: true`) shareable commands are pipelined onto the connections in use. `use` and `lease` hand out a
 * connection for work that needs one (MULTI/EXEC, WATCH, scripts, long BLPOPs). Errors from acquiring a connection
 * are `@pool/core` errors (`POOL_EXHAUSTED`, `POOL_CLOSED`, ...), except that a failed connect surfaces as the
 * typed Redis error itself instead of `CREATE_FAILED`.
 */
export class RedisPool<Encoding extends BufferEncoding | null = BufferEncoding | null> {
  readonly #options: ResolvedRedisOptions;
  readonly #factory: RedisConnectionFactory;
  readonly #pool: Pool<Redis>;
  readonly #context: SendContext;
  /** The context of exclusive-mode `execute`: the same, with writes batched per event-loop turn. */
  readonly #exclusiveContext: SendContext;
  readonly #redactor: Redactor;
  readonly #multiplexer: Multiplexer | undefined;

  /**
   * ioredis' typed command methods, run like {@link RedisPool.execute}: `await redis.commands.get(key)` is a
   * `string | null`, `hgetall` an object, `getBuffer` a `Buffer | null`, whatever the pool's `encoding`.
   * `commands.multi()` and `commands.pipeline()` run on one connection leased at `exec()`. See {@link RedisCommands}.
   * @example
   * ```ts
   * const visits: number = await redis.commands.incr('visits');
   * ```
   */
  readonly commands: RedisCommands;

  /**
   * @param options - see {@link RedisPoolOptions}.
   * @throws InvalidRedisOptionError (`INVALID_OPTION`), InvalidRedisUrlError (`INVALID_URL`), and `@pool/core`'s
   *   InvalidOptionError (`INVALID_OPTION`) for a bad pool option.
   */
  constructor(options: RedisPoolOptions) {
    this.#options = resolveRedisOptions(options);
    this.#redactor = new Redactor([this.#options.password, options?.url]);
    this.#factory = new RedisConnectionFactory(this.#options, this.#redactor);
    this.#pool = createPool(this.#factory, this.#options.poolOptions);
    this.#context = {
      encoding: this.#options.encoding,
      readTimeoutMs: this.#options.readTimeoutMs,
      redactor: this.#redactor,
      onBroken: (connection) => this.#factory.markBroken(connection),
    };
    // At the end of the turn a connection whose socket closed meanwhile gets no write: its command fails unsent.
    const batcher = new WriteBatcher((sink) => isReady(sink as RedisConnection));
    this.#exclusiveContext = { ...this.#context, write: (connection, command) => batcher.write(connection, command) };
    this.#multiplexer = this.#options.multiplex ? new Multiplexer(this.#pool, this.#context, this.#multiplexerRules()) : undefined;
    this.commands = new RedisCommands({
      executeWith: (callOptions, command, ...args) => this.executeWith(callOptions, command, ...args),
      execBatch: (kind, commands) =>
        this.use((connection) =>
          execBatchOn(connection, kind, commands, {
            redactor: this.#redactor,
            readTimeoutMs: this.#options.readTimeoutMs,
            onBroken: () => this.#factory.markBroken(connection),
            onChanged: () => this.#factory.retire(connection),
          }),
        ),
    });
  }

  /** The `@pool/core` pool underneath, for its events (`create`, `destroy`, `error`, `leak`, ...). */
  get pool(): Pool<Redis> {
    return this.#pool;
  }

  /** Most connections open at once. Setting it starts a resize. */
  get size(): number {
    return this.#pool.size;
  }

  /** Starts a resize to `size` (see `@pool/core`'s `Pool.resize`). @throws InvalidOptionError (`INVALID_OPTION`) */
  set size(size: number) {
    this.#pool.size = size;
  }

  /** Whether multiplexed mode is on. */
  get isMultiplexed(): boolean {
    return this.#multiplexer !== undefined;
  }

  /**
   * Runs one command and returns its reply, decoded per `encoding`. Blocking commands get their block time on top of
   * `readTimeoutMs` (`BLPOP key 30` may take `readTimeoutMs + 30 s`; `BLPOP key 0` waits forever).
   * @throws InvalidArgumentError (`INVALID_ARGUMENT`, nothing sent), RedisReplyError (`REDIS_REPLY`),
   *   RedisConnectionError (`REDIS_CONNECTION`), RedisTimeoutError (`REDIS_TIMEOUT`), and `@pool/core` acquire
   *   errors (`POOL_EXHAUSTED`, `ACQUIRE_TIMEOUT`, `POOL_CLOSED`, ...) — all as rejections.
   * @example
   * ```ts
   * await redis.execute('SET', 'greeting', 'hello');
   * const value = await redis.execute('GET', 'greeting'); // Buffer, or 'hello' with encoding: 'utf8'
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

  /**
   * {@link RedisPool.execute} with per-call options, e.g. a read timeout for one long call.
   * @example
   * ```ts
   * const job = await redis.executeWith({ timeoutMs: 120_000 }, 'BLPOP', 'jobs', 100);
   * ```
   */
  executeWith(options: CommandOptions | undefined, command: string, ...args: RedisArgument[]): Promise<RedisReply>;
  /** {@link RedisPool.execute}: `executeWith` without options. */
  executeWith(command: string, ...args: RedisArgument[]): Promise<RedisReply>;
  async executeWith(first: CommandOptions | string | undefined, ...rest: RedisArgument[]): Promise<RedisReply> {
    const { options, command, args } = splitCall(first, rest);
    return this.#execute(options, command, args);
  }

  async #execute(options: CommandOptions | undefined, command: string, args: RedisArgument[]): Promise<RedisReply> {
    const timeoutMs = timeoutFor(command, args, this.#options.readTimeoutMs, options);
    const reply = replyOf(options);
    if (this.#multiplexer !== undefined && isShareable(command)) {
      return this.#multiplexer.submit(command, args, timeoutMs, reply).catch(unwrapCreateError);
    }
    return this.#executeExclusive(command, args, timeoutMs, reply);
  }

  /**
   * Exclusive mode: a connection to itself for the one command. A command that surely never reached the socket (its
   * connection closed before the write, e.g. killed while idle) runs again on another connection, at most `size`
   * more times: each try takes a different connection, and a closed one is never handed out twice.
   */
  async #executeExclusive(command: string, args: RedisArgument[], timeoutMs: number, reply: IoredisReply | undefined): Promise<RedisReply> {
    for (let attempt = 0; ; attempt++) {
      let connection = await this.#pool.acquire().catch(unwrapCreateError);
      if (!this.#factory.isUsable(connection)) connection = await this.#replaceUnusable(connection, undefined);
      try {
        return await sendOn(connection, command, args, timeoutMs, this.#exclusiveContext, reply);
      } catch (error) {
        if (!wasNotSent(error) || attempt >= this.#pool.size || this.#pool.isClosed) throw error;
      } finally {
        // SELECT, MULTI, SUBSCRIBE, CLIENT SETNAME ... would leak into the next borrower's commands.
        if (leavesConnectionChanged(command, args)) this.#factory.retire(connection);
        await this.#pool.release(connection);
      }
    }
  }

  /**
   * Gives back a connection found closed when it was taken (killed while idle: the pool destroys it) and takes
   * others until one is usable, at most `size` times; the last one taken is returned as it is (its command then
   * fails unsent and runs again, or the caller sees ioredis' own error).
   * Regression: a connection closed while idle was handed out (4 of 6 PINGs failed after CLIENT KILL).
   */
  async #replaceUnusable(connection: Redis, options: AcquireOptions | undefined): Promise<Redis> {
    let current = connection;
    for (let attempt = 0; attempt < this.#pool.size && !this.#factory.isUsable(current); attempt++) {
      this.#factory.markBroken(current);
      await this.#pool.release(current);
      current = await this.#pool.acquire(options).catch(unwrapCreateError);
    }
    return current;
  }

  #multiplexerRules(): MultiplexerRules {
    const pool: PoolOptions = this.#options.poolOptions;
    const duration = (value: number | undefined, fallback: number): number => {
      const given = value ?? fallback;
      // The core counts a duration past the longest timer as Infinity; so does the multiplexer.
      return given > 2 ** 31 - 1 ? Infinity : given;
    };
    return {
      maxInFlight: this.#options.maxInFlightPerConnection,
      acquireTimeoutMs: duration(pool.acquireTimeoutMs, DEFAULTS.acquireTimeoutMs),
      maxLifetimeMs: duration(pool.maxLifetimeMs, DEFAULTS.maxLifetimeMs),
      maxHoldMs: duration(pool.leakDetectionMs, DEFAULTS.leakDetectionMs) / 2,
      isUsable: (connection) => this.#factory.isUsable(connection),
      createdAt: (connection) => this.#factory.createdAt(connection),
    };
  }

  /**
   * Runs one command on a connection you hold (from {@link RedisPool.use} or {@link RedisPool.lease}) with this
   * pool's encoding, timeouts and typed errors; a transport failure or timeout marks the connection broken.
   * @example
   * ```ts
   * await redis.use((connection) => redis.executeOn(connection, { timeoutMs: 60_000 }, 'BLPOP', 'jobs', 50));
   * ```
   */
  executeOn(connection: Redis, options: CommandOptions | undefined, command: string, ...args: RedisArgument[]): Promise<RedisReply>;
  /** {@link RedisPool.executeOn} without options. */
  executeOn(connection: Redis, command: string, ...args: RedisArgument[]): Promise<RedisReply>;
  async executeOn(connection: Redis, first: CommandOptions | string | undefined, ...rest: RedisArgument[]): Promise<RedisReply> {
    const { options, command, args } = splitCall(first, rest);
    const timeoutMs = timeoutFor(command, args, this.#options.readTimeoutMs, options);
    return sendOn(connection, command, args, timeoutMs, this.#context, replyOf(options));
  }

  /**
   * Runs `fn` with a leased ioredis connection and releases it afterwards, also when `fn` throws. ioredis' own
   * methods on it use `readTimeoutMs` (`commandTimeout`); see {@link RedisPool.executeOn} for a longer one.
   * @example
   * ```ts
   * const [[, count]] = await redis.use((connection) => connection.multi().incr('visits').exec());
   * ```
   */
  async use<R>(fn: (connection: Redis) => R | Promise<R>): Promise<R> {
    let connection = await this.#pool.acquire().catch(unwrapCreateError);
    if (!this.#factory.isUsable(connection)) connection = await this.#replaceUnusable(connection, undefined);
    try {
      return await fn(connection);
    } catch (error) {
      // An ioredis call inside fn that timed out or lost its connection rejects with the pool's typed error; the
      // connection itself is replaced on release (it is closed, or still owes a reply).
      throw this.#redactor.toTransportError(error, this.#options.readTimeoutMs);
    } finally {
      await this.#pool.release(connection);
    }
  }

  /**
   * Leases a connection; `release()` (or `await using`) gives it back.
   * @example
   * ```ts
   * const lease = await redis.lease();
   * try { await lease.resource.watch('balance'); } finally { await lease.release(); }
   * ```
   */
  async lease(options?: AcquireOptions): Promise<Lease<Redis>> {
    for (let attempt = 0; ; attempt++) {
      const lease = await this.#pool.lease(options).catch(unwrapCreateError);
      if (this.#factory.isUsable(lease.resource) || attempt >= this.#pool.size) return lease;
      // Closed while idle: the pool destroys it, and the next one is taken.
      this.#factory.markBroken(lease.resource);
      await lease.release();
    }
  }

  /** Marks a connection you hold as broken, so the pool replaces it when you give it back. */
  markBroken(connection: Redis): void {
    this.#factory.retire(connection);
  }

  /**
   * Bulk mode: runs many commands on one leased connection in pipelined batches of `bulkSize`. Each result is the
   * reply or that command's own typed error; the call itself rejects only for invalid input or a failed acquire.
   * @example
   * ```ts
   * const results = await redis.bulk([['SET', 'a', '1'], ['INCR', 'a'], ['HGET', 'a', 'field']]);
   * // [{ ok: true, value: 'OK' }, { ok: true, value: 2 }, { ok: false, error: RedisReplyError }]
   * ```
   */
  async bulk(commands: readonly BulkCommand[]): Promise<BulkResult[]> {
    validateBulk(commands);
    return this.use((connection) => runBulk(connection, commands, this.#options.bulkSize, this.#context));
  }

  /**
   * PUBLISH through the pool.
   * @returns how many subscribers received the message.
   */
  async publish(channel: string | Buffer, message: RedisArgument): Promise<number> {
    return (await this.execute('PUBLISH', channel, message)) as number;
  }

  /**
   * Opens a {@link Subscriber} on a new connection of its own (same server, credentials and timeouts), outside the
   * pool's size. Leaving its `for await` loop closes it.
   * @param options - `highWaterMark`: most unread messages kept before it stops reading its socket (default 1000).
   * @throws InvalidRedisOptionError (`INVALID_OPTION`) for a bad option; RedisConnectionError, RedisTimeoutError,
   *   RedisReplyError — as rejections.
   * @example
   * ```ts
   * const subscriber = await redis.subscriber({ highWaterMark: 10_000 });
   * ```
   */
  async subscriber(options?: SubscriberOptions): Promise<Subscriber<DataOf<Encoding>>> {
    const { highWaterMark } = resolveSubscriberOptions(options);
    const connection = await this.#factory.create();
    return new Subscriber<DataOf<Encoding>>(connection, this.#redactor, this.#options.encoding, highWaterMark);
  }

  /** Changes the pool size; see `@pool/core`'s `Pool.resize`. */
  resize(size: number): Promise<void> {
    return this.#pool.resize(size);
  }

  /** Occupancy and counters of the pool, plus the multiplexer's queue (zeros in exclusive mode). */
  stats(): RedisPoolStats {
    return {
      ...this.#pool.stats(),
      multiplexConnections: this.#multiplexer?.heldConnections ?? 0,
      multiplexInFlight: this.#multiplexer?.inFlight ?? 0,
      multiplexQueued: this.#multiplexer?.queued ?? 0,
    };
  }

  /** Closes the pool: queued commands fail with `POOL_CLOSED`, commands in flight finish, connections close. */
  close(options?: CloseOptions): Promise<void> {
    const closing = this.#pool.close(options);
    this.#multiplexer?.close();
    return closing;
  }
}

/**
 * Creates a {@link RedisPool}.
 * @throws InvalidRedisOptionError / InvalidRedisUrlError (`INVALID_OPTION` / `INVALID_URL`)
 * @example
 * ```ts
 * const redis = createRedisPool({ url: 'redis://127.0.0.1:6379/0', encoding: 'utf8', acquireTimeoutMs: 1000 });
 * await redis.execute('PING');
 * await redis.close();
 * ```
 */
export function createRedisPool<Encoding extends BufferEncoding>(options: RedisPoolOptions & { encoding: Encoding }): RedisPool<Encoding>;
/** A pool without `encoding`: Buffers, so its subscribers deliver Buffers. */
export function createRedisPool(options: RedisPoolOptions & { encoding?: null | undefined }): RedisPool<null>;
/** A pool whose `encoding` is not known to the compiler: its subscribers deliver strings or Buffers. */
export function createRedisPool(options: RedisPoolOptions): RedisPool;
export function createRedisPool(options: RedisPoolOptions): RedisPool {
  return new RedisPool(options);
}
