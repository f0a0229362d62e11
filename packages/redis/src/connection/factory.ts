import type { Factory } from '@pool/core';
import { Redis, type RedisOptions } from 'ioredis';
import { connectWithin } from './connect-deadline.js';
import { RedisTimeoutError } from '../errors.js';
import type { Redactor } from '../redact.js';
import type { ResolvedRedisOptions } from '../options.js';

/**
 * Makes ioredis connections configured for pooling: connected eagerly (AUTH, SELECT, CLIENT SETNAME and a PING,
 * all within `connTimeoutMs`), no reconnect, no offline queue, no resubscribe. The pool replaces a dead connection;
 * ioredis never revives one behind its back.
 */
export class RedisConnectionFactory implements Factory<Redis> {
  readonly #options: ResolvedRedisOptions;
  readonly #redactor: Redactor;
  readonly #ioredisOptions: RedisOptions;
  /** Connections on which a transport failure or timeout was seen. */
  readonly #broken = new WeakSet<Redis>();

  /** @param options - resolved options; @param redactor - scrubs the password from every error. */
  constructor(options: ResolvedRedisOptions, redactor: Redactor) {
    this.#options = options;
    this.#redactor = redactor;
    this.#ioredisOptions = connectionOptions(options);
  }

  /** Connects a new connection, or rejects with a typed, sanitised error within `connTimeoutMs` or on `signal`. */
  async create(signal?: AbortSignal): Promise<Redis> {
    const connection = new Redis(this.#ioredisOptions);
    // The first error event says why a handshake failed (WRONGPASS, ECONNREFUSED); the connect and PING promises only
    // see its echo ("Connection is closed.", NOAUTH). Listening also stops ioredis printing unhandled errors.
    let firstError: unknown;
    connection.on('error', (error: unknown) => {
      firstError ??= error;
      this.#broken.add(connection);
    });
    connection.on('end', () => this.#broken.add(connection));
    try {
      await connectWithin(() => this.#handshake(connection), this.#options.connTimeoutMs, signal, 'connect', this.#redactor);
      return connection;
    } catch (error) {
      connection.disconnect();
      const reason = error instanceof RedisTimeoutError ? error : (firstError ?? error);
      throw this.#redactor.toRedisError(reason, 'connect', this.#options.connTimeoutMs);
    }
  }

  /** Closes the socket at once; pending commands on it fail with a connection error. */
  destroy(connection: Redis): void {
    connection.disconnect();
  }

  /** Broken: ioredis no longer has it ready (closed, ended), or a transport failure or timeout was seen on it. */
  isBroken(connection: Redis): boolean {
    return connection.status !== 'ready' || this.#broken.has(connection);
  }

  /** Marks a connection broken so the pool destroys it on release. */
  markBroken(connection: Redis): void {
    this.#broken.add(connection);
  }

  async #handshake(connection: Redis): Promise<void> {
    await connection.connect();
    // AUTH and SELECT replies may still be on their way when ioredis says ready; a PING behind them proves the
    // server answers and surfaces a WRONGPASS or a silent server here, within the deadline.
    await connection.ping();
  }
}

/** The ioredis options of one pooled connection. */
function connectionOptions(options: ResolvedRedisOptions): RedisOptions {
  const address = 'path' in options.address ? { path: options.address.path } : { host: options.address.host, port: options.address.port };
  return {
    ...address,
    db: options.database,
    ...(options.username === undefined ? {} : { username: options.username }),
    ...(options.password === undefined ? {} : { password: options.password }),
    ...(options.tls === undefined ? {} : { tls: options.tls }),
    ...(options.connectionName === undefined ? {} : { connectionName: options.connectionName }),
    ...(options.readTimeoutMs === Infinity ? {} : { commandTimeout: options.readTimeoutMs }),
    lazyConnect: true,
    connectTimeout: options.connTimeoutMs,
    enableOfflineQueue: false,
    enableReadyCheck: false,
    maxRetriesPerRequest: 0,
    retryStrategy: () => null,
    reconnectOnError: () => false,
    autoResubscribe: false,
    autoResendUnfulfilledCommands: false,
    disableClientInfo: true,
    enableAutoPipelining: false,
  };
}
