import { PoolClosedError, type Pool } from '@pool/core';
import type { Cluster } from 'ioredis';

/**
 * The multiplexed mode of a `ClusterPool`: one cluster client held out of the pool and shared by every shareable
 * command, the way ioredis' cluster client is meant to be used (it pipelines on its node connections). It counts as
 * one client in use. A client found broken is given back (the pool destroys it) and the next command takes a fresh
 * one; only the commands in flight on the broken one fail. `close()` waits for the commands in flight.
 */
export class SharedClusterClient {
  readonly #pool: Pool<Cluster>;
  readonly #isBroken: (client: Cluster) => boolean;
  #client: Cluster | undefined = undefined;
  #taking: Promise<Cluster> | undefined = undefined;
  #inFlight = 0;
  #drained: (() => void) | undefined = undefined;
  #closed = false;
  #closing: Promise<void> | undefined = undefined;

  /** @param pool - the cluster pool's clients; @param isBroken - the factory's verdict on a client. */
  constructor(pool: Pool<Cluster>, isBroken: (client: Cluster) => boolean) {
    this.#pool = pool;
    this.#isBroken = isBroken;
  }

  /** Runs `send` on the shared client. @throws PoolClosedError (`POOL_CLOSED`) after `close()`; acquire errors. */
  async run<R>(send: (client: Cluster) => Promise<R>): Promise<R> {
    if (this.#closed) throw new PoolClosedError();
    // Counted before the client is taken, so close() also waits for calls still waiting for it.
    this.#inFlight++;
    try {
      return await send(await this.#take());
    } finally {
      this.#inFlight--;
      if (this.#inFlight === 0) this.#drained?.();
    }
  }

  /** Waits for the commands in flight, then gives the client back. Idempotent: every call gets the same promise. */
  close(): Promise<void> {
    this.#closing ??= this.#drainThenRelease();
    return this.#closing;
  }

  async #drainThenRelease(): Promise<void> {
    this.#closed = true;
    if (this.#inFlight > 0) await new Promise<void>((resolve) => (this.#drained = resolve));
    const client = this.#client;
    this.#client = undefined;
    if (client !== undefined) await this.#pool.release(client);
  }

  #take(): Promise<Cluster> {
    const held = this.#client;
    if (held !== undefined && !this.#isBroken(held)) return Promise.resolve(held);
    if (held !== undefined) {
      this.#client = undefined;
      // Released as broken: the pool destroys it. The release cannot be refused, the client is held by us.
      void this.#pool.release(held).catch(() => undefined);
    }
    this.#taking ??= this.#pool.acquire().then(
      (client) => {
        this.#taking = undefined;
        this.#client = client;
        return client;
      },
      (error: unknown) => {
        this.#taking = undefined;
        throw error;
      },
    );
    return this.#taking;
  }
}
