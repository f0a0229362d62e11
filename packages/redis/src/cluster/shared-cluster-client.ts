import { PoolClosedError, type Pool } from '@pool/core';
import type { Cluster } from 'ioredis';

/** One hold of a cluster client: the client and the commands running on it. */
interface Hold {
  readonly client: Cluster;
  /** When it was taken (`performance.now()`): given back before the pool's leak detection would fire. */
  readonly heldSince: number;
  inFlight: number;
  /** No new command goes to it; it is given back once its last command settles. */
  isRetiring: boolean;
}

/** How the shared client follows the pool's rules. */
export interface SharedClusterRules {
  /** Broken (not ready, or its connection state changed): given back at once to be destroyed. */
  readonly isBroken: (client: Cluster) => boolean;
  /** When a client was created (`Date.now()` clock), for `maxLifetimeMs`. */
  readonly createdAt: (client: Cluster) => number;
  /** The pool's `maxLifetimeMs`. */
  readonly maxLifetimeMs: number;
  /** Longest hold before the client goes back and is taken again: half of `leakDetectionMs`. */
  readonly maxHoldMs: number;
}

/**
 * The multiplexed mode of a `ClusterPool`: one cluster client held out of the pool and shared by every shareable
 * command, the way ioredis' cluster client is meant to be used (it pipelines on its node connections). It counts as
 * one client in use and follows the pool's rules: a client found broken, past `maxLifetimeMs`, or held for half of
 * `leakDetectionMs` takes no new command and is given back once its commands settle (the pool retires it or hands
 * it out again), while the next command takes a fresh hold; only the commands in flight on a broken one fail.
 * After `close()` no command is taken; `close()` waits for the commands in flight.
 */
export class SharedClusterClient {
  readonly #pool: Pool<Cluster>;
  readonly #rules: SharedClusterRules;
  #hold: Hold | undefined = undefined;
  #taking: Promise<Hold> | undefined = undefined;
  /** Commands counted from `run()` to their end, waiting for a client included: `close()` waits for them. */
  #running = 0;
  #drained: (() => void) | undefined = undefined;
  #closed = false;
  #closing: Promise<void> | undefined = undefined;

  /** @param pool - the cluster pool's clients; @param rules - the pool's rules for the shared hold. */
  constructor(pool: Pool<Cluster>, rules: SharedClusterRules) {
    this.#pool = pool;
    this.#rules = rules;
  }

  /** Runs `send` on the shared client. @throws PoolClosedError (`POOL_CLOSED`) after `close()`; acquire errors. */
  run<R>(send: (client: Cluster) => Promise<R>): Promise<R> {
    if (this.#closed || this.#pool.isClosed) return Promise.reject(new PoolClosedError());
    this.#running++;
    const hold = this.#hold;
    // The common case sends at once, on the client already held (no turn spent waiting for a resolved hold).
    if (hold !== undefined && !this.#mustLetGo(hold)) return this.#sendOn(hold, send);
    return this.#take().then(
      (taken) => this.#sendOn(taken, send),
      (error: unknown) => {
        this.#finished();
        throw error;
      },
    );
  }

  async #sendOn<R>(hold: Hold, send: (client: Cluster) => Promise<R>): Promise<R> {
    hold.inFlight++;
    try {
      return await send(hold.client);
    } finally {
      hold.inFlight--;
      if (hold.isRetiring && hold.inFlight === 0) this.#giveBack(hold);
      this.#finished();
    }
  }

  /** A command counted by `run()` ended: `close()` may stop waiting. */
  #finished(): void {
    this.#running--;
    if (this.#running === 0) this.#drained?.();
  }

  /** Waits for the commands in flight, then gives the client back. Idempotent: every call gets the same promise. */
  close(): Promise<void> {
    this.#closing ??= this.#drainThenRelease();
    return this.#closing;
  }

  async #drainThenRelease(): Promise<void> {
    this.#closed = true;
    if (this.#running > 0) await new Promise<void>((resolve) => (this.#drained = resolve));
    const hold = this.#hold;
    this.#hold = undefined;
    if (hold !== undefined && !hold.isRetiring) await this.#pool.release(hold.client).catch(() => undefined);
  }

  #take(): Promise<Hold> {
    const hold = this.#hold;
    if (hold !== undefined && !this.#mustLetGo(hold)) return Promise.resolve(hold);
    if (hold !== undefined) this.#retire(hold);
    this.#taking ??= this.#pool.acquire().then(
      (client) => {
        this.#taking = undefined;
        const taken: Hold = { client, heldSince: performance.now(), inFlight: 0, isRetiring: false };
        this.#hold = taken;
        return taken;
      },
      (error: unknown) => {
        this.#taking = undefined;
        throw error;
      },
    );
    return this.#taking;
  }

  #mustLetGo(hold: Hold): boolean {
    return (
      this.#rules.isBroken(hold.client) ||
      performance.now() - hold.heldSince >= this.#rules.maxHoldMs ||
      Date.now() - this.#rules.createdAt(hold.client) >= this.#rules.maxLifetimeMs
    );
  }

  /** No new command goes to it; it goes back to the pool when its last command settles (now, if none runs). */
  #retire(hold: Hold): void {
    this.#hold = undefined;
    hold.isRetiring = true;
    if (hold.inFlight === 0) this.#giveBack(hold);
  }

  #giveBack(hold: Hold): void {
    // Given back once: `inFlight` below zero marks it.
    hold.inFlight = -1;
    // The pool destroys it if broken or too old. The release cannot be refused: the client is held by us.
    void this.#pool.release(hold.client).catch(() => undefined);
  }
}
