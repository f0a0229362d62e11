import { AsyncResource } from 'node:async_hooks';
import { AcquireTimeoutError, PoolClosedError, type Pool } from '@pool/core';
import type { Redis } from 'ioredis';
import { sendOn, type IoredisReply, type RedisArgument, type RedisReply, type SendContext } from '../connection/send.js';

/** One queued command of multiplexed mode. */
interface Job {
  readonly command: string;
  readonly args: readonly RedisArgument[];
  readonly timeoutMs: number;
  /** Decode as ioredis' typed method (`pool.commands`); undefined: raw. */
  readonly reply: IoredisReply | undefined;
  /** When its wait for a connection runs out (`performance.now()` clock): submit time + `acquireTimeoutMs`. */
  readonly deadline: number;
  /** The caller's async context, taken when the job had to wait, so it is written in it. */
  readonly context: AsyncResource;
  readonly resolve: (reply: RedisReply) => void;
  readonly reject: (error: unknown) => void;
}

/** A connection taken from the pool and shared by several in-flight commands. */
interface Shared {
  readonly connection: Redis;
  /** When the multiplexer took it (`performance.now()`): a hold is given back before leak detection would fire. */
  readonly heldSince: number;
  inFlight: number;
  /** Still taking new commands; false once broken, due for rotation, or on its way back to the pool. */
  isHeld: boolean;
  /** Writes of this tick are being gathered into one (uncorked on the next tick). */
  isCorked: boolean;
}

/** How the multiplexer follows the pool's rules. */
export interface MultiplexerRules {
  /** Most commands in flight on one connection. */
  readonly maxInFlight: number;
  /** The pool's `acquireTimeoutMs`: how long a queued command may wait for a connection. */
  readonly acquireTimeoutMs: number;
  /** The pool's `maxLifetimeMs`: a connection older than this takes no new command and goes back to be retired. */
  readonly maxLifetimeMs: number;
  /** Longest hold of one connection before it goes back and is taken again: half of `leakDetectionMs`. */
  readonly maxHoldMs: number;
  /** Whether a connection can take commands now (ready, writable, not marked broken). */
  readonly isUsable: (connection: Redis) => boolean;
  /** When a connection was created (`Date.now()` clock), for `maxLifetimeMs`. */
  readonly createdAt: (connection: Redis) => number;
}

/**
 * Multiplexed mode: pipelines shareable commands onto connections leased from the pool, the least loaded first,
 * at most `maxInFlight` per connection. A connection is held only while it has commands in flight (it goes back to
 * the pool when its last reply arrives and nothing is queued), so exclusive callers and `use()` still get one.
 *
 * The held connections follow the pool's rules: after `close()` no command is taken; a connection that is not
 * usable (closed, broken), past `maxLifetimeMs`, or held for half of `leakDetectionMs` takes no new command and goes
 * back to the pool once its commands in flight are answered (the pool retires it, or hands it out again). A queued
 * command waits for a connection until its own deadline (`acquireTimeoutMs` after it was submitted); a failed
 * acquire fails only the commands whose deadline it reached, and the next one is tried for the others.
 *
 * It grows by one connection at a time while every held connection is busy; the first connection is acquired with
 * the oldest command's remaining wait, later ones only when the pool has one free right away.
 */
export class Multiplexer {
  readonly #pool: Pool<Redis>;
  readonly #context: SendContext;
  readonly #rules: MultiplexerRules;
  readonly #rotates: boolean;
  readonly #held: Shared[] = [];
  /** FIFO of commands not yet sent; `#head` is the next one (no `shift()`). */
  #queue: Job[] = [];
  #head = 0;
  #acquiring = 0;
  /** An extra connection was refused; retry only after a reply or a give-back changed the picture. */
  #growRefused = false;
  #closed = false;

  /** @param pool - source of connections; @param context - send settings; @param rules - the pool's rules. */
  constructor(pool: Pool<Redis>, context: SendContext, rules: MultiplexerRules) {
    this.#pool = pool;
    this.#context = context;
    this.#rules = rules;
    this.#rotates = rules.maxLifetimeMs !== Infinity || rules.maxHoldMs !== Infinity;
  }

  /** Connections currently shared. */
  get heldConnections(): number {
    return this.#held.length;
  }

  /** Commands sent and not yet answered, over every connection. */
  get inFlight(): number {
    let total = 0;
    for (const shared of this.#held) total += shared.inFlight;
    return total;
  }

  /** Commands waiting for room on a connection. */
  get queued(): number {
    return this.#queue.length - this.#head;
  }

  /**
   * Sends a command as soon as a connection has room.
   * @throws PoolClosedError (`POOL_CLOSED`) as a rejection after {@link Multiplexer.close}.
   */
  submit(command: string, args: readonly RedisArgument[], timeoutMs: number, reply?: IoredisReply): Promise<RedisReply> {
    if (this.#closed || this.#pool.isClosed) return Promise.reject(new PoolClosedError());
    if (this.#head === this.#queue.length) {
      // Fast path, in the caller's own async context: a held connection has room now.
      const shared = this.#leastLoaded(performance.now());
      if (shared !== undefined && shared.inFlight < this.#rules.maxInFlight) return this.#send(shared, command, args, timeoutMs, reply);
    }
    return new Promise<RedisReply>((resolve, reject) => {
      const deadline = performance.now() + this.#rules.acquireTimeoutMs;
      this.#queue.push({ command, args, timeoutMs, reply, deadline, context: new AsyncResource('pool.redis.multiplex'), resolve, reject });
      this.#pump();
    });
  }

  /** Takes no more commands and fails every queued one with `POOL_CLOSED`; commands in flight finish on their own. */
  close(): void {
    this.#closed = true;
    const error = new PoolClosedError();
    for (const job of this.#drain()) job.reject(error);
  }

  #pump(): void {
    while (this.#head < this.#queue.length) {
      const shared = this.#leastLoaded(performance.now());
      if (shared !== undefined && shared.inFlight === 0) {
        this.#sendQueued(shared, this.#next());
        continue;
      }
      if (this.#acquiring === 0 && !this.#growRefused && this.#held.length < this.#pool.size) this.#grow();
      if (shared === undefined || shared.inFlight >= this.#rules.maxInFlight) return;
      this.#sendQueued(shared, this.#next());
    }
    // Nothing left to send: a connection without commands in flight goes back to the pool.
    // Regression: one that arrived after the queue had drained was held forever and close() never finished.
    for (let index = this.#held.length - 1; index >= 0; index--) {
      const shared = this.#held[index] as Shared;
      if (shared.inFlight === 0) this.#giveBack(shared);
    }
  }

  /**
   * The held connection with the fewest commands in flight. The one chosen is checked (usable, not due for
   * rotation); if it fails, it is let go and the next is chosen. Regression: commands were routed to connections
   * that had already closed.
   */
  #leastLoaded(now: number): Shared | undefined {
    for (;;) {
      let best: Shared | undefined;
      for (const shared of this.#held) if (best === undefined || shared.inFlight < best.inFlight) best = shared;
      if (best === undefined) return undefined;
      if (this.#rules.isUsable(best.connection) && !(this.#rotates && this.#isDue(best, now))) return best;
      this.#unhold(best);
      if (best.inFlight === 0) this.#giveBack(best);
    }
  }

  #isDue(shared: Shared, now: number): boolean {
    return now - shared.heldSince >= this.#rules.maxHoldMs || Date.now() - this.#rules.createdAt(shared.connection) >= this.#rules.maxLifetimeMs;
  }

  #sendQueued(shared: Shared, job: Job): void {
    job.context.runInAsyncScope(() => {
      this.#send(shared, job.command, job.args, job.timeoutMs, job.reply).then(job.resolve, job.reject);
    });
  }

  #send(shared: Shared, command: string, args: readonly RedisArgument[], timeoutMs: number, reply: IoredisReply | undefined): Promise<RedisReply> {
    shared.inFlight++;
    if (!shared.isCorked) {
      // Commands sent in the same tick leave in one write (one syscall), as ioredis' auto-pipelining does.
      shared.isCorked = true;
      shared.connection.stream.cork();
      process.nextTick(uncork, shared);
    }
    return sendOn(shared.connection, command, args, timeoutMs, this.#context, reply).then(
      (reply) => {
        this.#settled(shared);
        return reply;
      },
      (error: unknown) => {
        this.#settled(shared);
        throw error;
      },
    );
  }

  #settled(shared: Shared): void {
    shared.inFlight--;
    this.#growRefused = false;
    // A broken connection takes no more commands; the others in flight on it fail on their own (it was disconnected).
    if (shared.isHeld && !this.#rules.isUsable(shared.connection)) this.#unhold(shared);
    if (shared.inFlight === 0 && !shared.isHeld) this.#giveBack(shared);
    this.#pump();
  }

  #unhold(shared: Shared): void {
    if (!shared.isHeld) return;
    shared.isHeld = false;
    const index = this.#held.indexOf(shared);
    if (index !== -1) this.#held.splice(index, 1);
  }

  /** Returns a connection whose last command settled; the pool destroys it if it is broken or too old. */
  #giveBack(shared: Shared): void {
    this.#unhold(shared);
    if (shared.inFlight > 0) return;
    // Marks it as given back: a second call for the same hold must not release it twice.
    shared.inFlight = -1;
    this.#pool.release(shared.connection).catch(ignore);
  }

  #grow(): void {
    this.#acquiring++;
    const first = this.#held.length === 0;
    // The first connection waits as long as the oldest command may; extra ones are taken only if free right now.
    const oldest = this.#queue[this.#head] as Job;
    const timeoutMs = first ? Math.max(0, oldest.deadline - performance.now()) : 0;
    this.#pool.acquire({ timeoutMs }).then(
      (connection) => {
        this.#acquiring--;
        if (this.#closed || !this.#rules.isUsable(connection)) {
          // Closed while idle: the pool destroys it (it is not ready), and the next one is taken.
          this.#pool.release(connection).catch(ignore);
          if (!this.#closed) this.#pump();
          return;
        }
        this.#held.push({ connection, heldSince: performance.now(), inFlight: 0, isHeld: true, isCorked: false });
        this.#pump();
      },
      (error: unknown) => {
        this.#acquiring--;
        if (first) this.#failWaiting(error);
        else this.#growRefused = true;
        // Regression: retrying at once looped forever on microtasks while the pool stayed exhausted.
        if (this.#held.length > 0 || !first) this.#pump();
      },
    );
  }

  /**
   * The acquire made for the oldest queued command failed: it fails that command and every other whose own
   * deadline has come; the rest get another acquire. On `POOL_CLOSED` every queued command fails.
   * Regression: one failed acquire failed every queued command, even those queued later with time left.
   */
  #failWaiting(error: unknown): void {
    if (error instanceof PoolClosedError || this.#closed) {
      for (const job of this.#drain()) job.reject(error);
      return;
    }
    const typed = error instanceof AcquireTimeoutError ? new AcquireTimeoutError(this.#rules.acquireTimeoutMs, error.snapshot, error.cause) : error;
    const now = performance.now();
    let first = true;
    while (this.#head < this.#queue.length) {
      const job = this.#queue[this.#head] as Job;
      if (!first && job.deadline > now) break;
      first = false;
      this.#next().reject(typed);
    }
    // The others try again, through a macrotask: a pool that fails at once must not spin the microtask queue.
    if (this.#head < this.#queue.length) setImmediate(() => this.#pump());
  }

  #next(): Job {
    const job = this.#queue[this.#head] as Job;
    this.#head++;
    if (this.#head === this.#queue.length) {
      this.#queue = [];
      this.#head = 0;
    } else if (this.#head >= 1024 && this.#head * 2 >= this.#queue.length) {
      this.#queue = this.#queue.slice(this.#head);
      this.#head = 0;
    }
    return job;
  }

  #drain(): Job[] {
    const jobs = this.#queue.slice(this.#head);
    this.#queue = [];
    this.#head = 0;
    return jobs;
  }
}

function ignore(): void {}

function uncork(shared: Shared): void {
  shared.isCorked = false;
  shared.connection.stream.uncork();
}
