import type { Factory } from '@pool/core';
import { Cluster } from 'ioredis';
import { connectWithin, timerDelayMs } from '../connection/connect-deadline.js';
import type { ResolvedRedisOptions } from '../options.js';
import type { Redactor } from '../redact.js';
import { InvalidRedisOptionError, RedisPoolError } from '../errors.js';

/** Makes ioredis cluster clients: connected (slots loaded) within `connTimeoutMs`, retries bounded. */
export class ClusterClientFactory implements Factory<Cluster> {
  readonly #seeds: readonly { host: string; port: number }[];
  readonly #options: ResolvedRedisOptions;
  readonly #redactor: Redactor;
  readonly #readFromReplicas: boolean;
  readonly #maxRedirections: number;
  /** Clients whose connection state a command changed; destroyed on release. */
  readonly #changed = new WeakSet<Cluster>();
  /** When each client finished connecting (`Date.now()`), for the shared client's `maxLifetimeMs`. */
  readonly #createdAt = new WeakMap<Cluster, number>();

  /**
   * @param seeds - nodes to discover the cluster from; @param options - resolved Redis options (credentials, TLS,
   * timeouts, connection name); @param redactor - scrubs passwords from errors; @param readFromReplicas - route
   * read-only commands to replicas; @param maxRedirections - per command.
   */
  constructor(
    seeds: readonly { host: string; port: number }[],
    options: ResolvedRedisOptions,
    redactor: Redactor,
    readFromReplicas: boolean,
    maxRedirections: number,
  ) {
    // The pool routes each command by its own keys' slots; a prefix added on the node connections would move them.
    if (options.ioredis.keyPrefix !== undefined) {
      throw new InvalidRedisOptionError('ioredis.keyPrefix is not supported by the cluster pool: it routes by the keys as given; put the prefix in the keys');
    }
    this.#seeds = seeds;
    this.#options = options;
    this.#redactor = redactor;
    this.#readFromReplicas = readFromReplicas;
    this.#maxRedirections = maxRedirections;
  }

  /** Connects a new cluster client (slots loaded) within `connTimeoutMs`, or rejects with a typed error. */
  async create(signal?: AbortSignal): Promise<Cluster> {
    const options = this.#options;
    const client = new Cluster([...this.#seeds], {
      scaleReads: this.#readFromReplicas ? 'slave' : 'master',
      lazyConnect: true,
      enableReadyCheck: true,
      maxRedirections: this.#maxRedirections,
      retryDelayOnFailover: 100,
      retryDelayOnClusterDown: 100,
      retryDelayOnTryAgain: 100,
      slotsRefreshTimeout: timerDelayMs(options.connTimeoutMs),
      // A client that loses every node ends; the pool replaces it instead of ioredis reconnecting behind its back.
      clusterRetryStrategy: () => null,
      redisOptions: {
        ...options.ioredis,
        ...(options.username === undefined ? {} : { username: options.username }),
        ...(options.password === undefined ? {} : { password: options.password }),
        ...(options.tls === undefined ? {} : { tls: options.tls }),
        ...(options.connectionName === undefined ? {} : { connectionName: options.connectionName }),
        connectTimeout: timerDelayMs(options.connTimeoutMs),
        disableClientInfo: true,
      },
    });
    // Errors also fail the command or connect they hit; without a listener ioredis would print them.
    client.on('error', () => undefined);
    // ioredis rejects a failed connect with "None of startup nodes is available" alone, the same for a wrong
    // password, a node without cluster support and a refused connection; the last node's own error says which.
    let nodeError: unknown;
    const onNodeError = (error: unknown): void => {
      nodeError = error;
    };
    client.on('node error', onNodeError);
    try {
      await connectWithin(() => client.connect(), options.connTimeoutMs, signal, 'cluster connect', this.#redactor);
      this.#createdAt.set(client, Date.now());
      return client;
    } catch (error) {
      client.disconnect();
      // The pool's own deadline or abort stays what it is; otherwise the node's error is the reason.
      const reason = error instanceof RedisPoolError || nodeError === undefined ? error : nodeError;
      throw this.#redactor.toConnectError(reason, 'connect', options.connTimeoutMs);
    } finally {
      client.off('node error', onNodeError);
    }
  }

  /** Disconnects every node connection of the client at once. */
  destroy(client: Cluster): void {
    client.disconnect();
  }

  /** Broken: the client lost the cluster (not ready), or a command changed one of its connections' state. */
  isBroken(client: Cluster): boolean {
    return client.status !== 'ready' || this.#changed.has(client);
  }

  /** When the client was created (`Date.now()` clock); 0 for one this factory did not make. */
  createdAt(client: Cluster): number {
    return this.#createdAt.get(client) ?? 0;
  }

  /** Marks a client for replacement when it comes back. */
  markBroken(client: Cluster): void {
    this.#changed.add(client);
  }
}
