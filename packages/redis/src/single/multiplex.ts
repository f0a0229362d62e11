import type { Pool } from '@pool/core';
import type { Redis } from 'ioredis';
import { sendOn, type RedisArgument, type RedisReply, type SendContext } from '../connection/send.js';

/** One queued command of multiplexed mode. */
interface Job {
  readonly command: string;
  readonly args: readonly RedisArgument[];
  readonly timeoutMs: number;
  readonly resolve: (reply: RedisReply) => void;
  readonly reject: (error: unknown) => void;
}

/** A connection taken from the pool and shared by several in-flight commands. */
interface Shared {
  readonly connection: Redis;
  inFlight: number;
  /** Still taking new commands; false once broken or on its way back to the pool. */
  isHeld: boolean;
  /** Writes of this tick are being gathered into one (uncorked on the next tick). */
  isCorked: boolean;
}

/**
 * Multiplexed mode: pipelines shareable commands onto connections leased from the pool, the least loaded first,
 * at most `maxInFlight` per connection. A connection is held only while it has commands in flight (it goes back to
 * the pool when its last reply arrives and nothing is queued), so exclusive callers and `use()` still get one.
 *
 * It grows by one connection at a time while every held connection is busy; the first connection is acquired with
 * the pool's own waiting rules (fail fast by default), later ones only when the pool has one free right away.
 */
export class Multiplexer {
  readonly #pool: Pool<Redis>;
  readonly #context: SendContext;
  readonly #maxInFlight: number;
  readonly #isBroken: (connection: Redis) => boolean;
  readonly #held: Shared[] = [];
  /** FIFO of commands not yet sent; `#head` is the next one (no `shift()`). */
  #queue: Job[] = [];
  #head = 0;
  #acquiring = 0;
  /** An extra connection was refused; retry only after a reply or a give-back changed the picture. */
  #growRefused = false;

  /**
   * @param pool - source of connections; @param context - send settings; @param maxInFlight - per connection;
   * @param isBroken - the factory's check, consulted after every reply.
   */
  constructor(pool: Pool<Redis>, context: SendContext, maxInFlight: number, isBroken: (connection: Redis) => boolean) {
    this.#pool = pool;
    this.#isBroken = isBroken;
    this.#context = context;
    this.#maxInFlight = maxInFlight;
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

  /** Queues a command and sends it as soon as a connection has room. */
  submit(command: string, args: readonly RedisArgument[], timeoutMs: number): Promise<RedisReply> {
    return new Promise<RedisReply>((resolve, reject) => {
      this.#queue.push({ command, args, timeoutMs, resolve, reject });
      this.#pump();
    });
  }

  /** Fails every queued command with `error` (on close); commands in flight finish on their own. */
  rejectQueued(error: unknown): void {
    for (const job of this.#drain()) job.reject(error);
  }

  #pump(): void {
    while (this.#head < this.#queue.length) {
      const shared = this.#leastLoaded();
      if (shared !== undefined && shared.inFlight === 0) {
        this.#send(shared, this.#next());
        continue;
      }
      if (this.#acquiring === 0 && !this.#growRefused && this.#held.length < this.#pool.size) this.#grow();
      if (shared === undefined || shared.inFlight >= this.#maxInFlight) return;
      this.#send(shared, this.#next());
    }
    // Nothing left to send: a connection without commands in flight goes back to the pool.
    // Regression: one that arrived after the queue had drained was held forever and close() never finished.
    for (const shared of [...this.#held]) if (shared.inFlight === 0) this.#giveBack(shared);
  }

  #leastLoaded(): Shared | undefined {
    let best: Shared | undefined;
    for (const shared of this.#held) if (best === undefined || shared.inFlight < best.inFlight) best = shared;
    return best;
  }

  #send(shared: Shared, job: Job): void {
    shared.inFlight++;
    if (!shared.isCorked) {
      // Commands sent in the same tick leave in one write (one syscall), as ioredis' auto-pipelining does.
      shared.isCorked = true;
      shared.connection.stream.cork();
      process.nextTick(uncork, shared);
    }
    sendOn(shared.connection, job.command, job.args, job.timeoutMs, this.#context).then(
      (reply) => this.#settle(shared, job.resolve, reply),
      (error: unknown) => this.#settle(shared, job.reject, error),
    );
  }

  #settle<V>(shared: Shared, settle: (value: V) => void, value: V): void {
    shared.inFlight--;
    this.#growRefused = false;
    // A broken connection takes no more commands; the others in flight on it fail on their own (it was disconnected).
    if (shared.isHeld && this.#isBroken(shared.connection)) this.#unhold(shared);
    if (shared.inFlight === 0 && !shared.isHeld) this.#giveBack(shared);
    settle(value);
    this.#pump();
  }

  #unhold(shared: Shared): void {
    shared.isHeld = false;
    const index = this.#held.indexOf(shared);
    if (index !== -1) this.#held.splice(index, 1);
  }

  /** Returns a connection whose last command settled; the pool destroys it if it is broken. */
  #giveBack(shared: Shared): void {
    this.#unhold(shared);
    this.#pool.release(shared.connection).catch(ignore);
  }

  #grow(): void {
    this.#acquiring++;
    const first = this.#held.length === 0;
    // The first connection follows the pool's waiting rules; extra ones are taken only if free right now.
    const acquired = first ? this.#pool.acquire() : this.#pool.acquire({ timeoutMs: 0 });
    acquired.then(
      (connection) => {
        this.#acquiring--;
        this.#held.push({ connection, inFlight: 0, isHeld: true, isCorked: false });
        this.#pump();
      },
      (error: unknown) => {
        this.#acquiring--;
        if (this.#held.length === 0) {
          this.rejectQueued(error);
          return;
        }
        // Regression: retrying at once looped forever on microtasks while the pool stayed exhausted.
        this.#growRefused = true;
        this.#pump();
      },
    );
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
