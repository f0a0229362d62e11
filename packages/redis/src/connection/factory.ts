import type { Factory } from '@pool/core';
import { Redis, type RedisOptions } from 'ioredis';
import { connectWithin, timerDelayMs } from './connect-deadline.js';
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
  /** When each connection finished its handshake (`Date.now()`), for the multiplexer's `maxLifetimeMs`. */
  readonly #createdAt = new WeakMap<Redis, number>();

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
    try {
      await connectWithin(() => this.#handshake(connection), this.#options.connTimeoutMs, signal, 'connect', this.#redactor);
      this.#createdAt.set(connection, Date.now());
      return connection;
    } catch (error) {
      connection.disconnect();
      const reason = error instanceof RedisTimeoutError ? error : (firstError ?? error);
      throw this.#redactor.toConnectError(reason, 'connect', this.#options.connTimeoutMs);
    }
  }

  /** Closes the socket at once; pending commands on it fail with a connection error. */
  destroy(connection: Redis): void {
    connection.disconnect();
  }

  /**
   * Whether a connection can take a command now, known without a round trip: ioredis has it ready, its socket is
   * writable, and no failure was seen on it. `RedisPool` checks every connection it takes from the pool with this
   * and replaces one that died while idle (server restarted, CLIENT KILL, network reset) instead of using it.
   * (It is not `@pool/core`'s `validate`: that one costs a timer per borrow, and this check is synchronous.)
   */
  isUsable(connection: Redis): boolean {
    return isReady(connection) && !this.#broken.has(connection);
  }

  /**
   * Broken, so not reused: ioredis no longer has it ready (closed, ended), a transport failure or timeout was seen on
   * it, or it came back with commands still waiting for their replies (one that timed out, a BLPOP left behind): the
   * next borrower's replies would be out of step.
   */
  isBroken(connection: Redis): boolean {
    return !isReady(connection) || this.#broken.has(connection) || connection.commandQueue.length > 0;
  }

  /**
   * Marks a connection broken and closes it, once: a second call does nothing, however many commands failed on it.
   * Commands still in flight on it fail with `REDIS_CONNECTION` (`sent: true`).
   */
  markBroken(connection: Redis): void {
    if (this.#broken.has(connection)) return;
    this.#broken.add(connection);
    connection.disconnect();
  }

  /** When the connection was created (`Date.now()` clock); 0 for one this factory did not make. */
  createdAt(connection: Redis): number {
    return this.#createdAt.get(connection) ?? 0;
  }

  /** Marks a connection not to be reused (its state changed: SELECT, MULTI, ...) without closing it now. */
  retire(connection: Redis): void {
    this.#broken.add(connection);
  }

  async #handshake(connection: Redis): Promise<void> {
    await connection.connect();
    // AUTH and SELECT replies may still be on their way when ioredis says ready; a PING behind them proves the
    // server answers and surfaces a WRONGPASS or a silent server here, within the deadline.
    await connection.ping();
  }
}

/** ioredis has the connection ready and its socket takes writes (a socket that was ended or destroyed does not). */
export function isReady(connection: Redis): boolean {
  return connection.status === 'ready' && connection.stream?.writable === true;
}

/** The ioredis options of one pooled connection. */
function connectionOptions(options: ResolvedRedisOptions): RedisOptions {
  const address = 'path' in options.address ? { path: options.address.path } : { host: options.address.host, port: options.address.port };
  return {
    // The user's pass-through options first: none of them is one the pool sets below (resolveIoredisOptions).
    ...options.ioredis,
    ...address,
    db: options.database,
    ...(options.username === undefined ? {} : { username: options.username }),
    ...(options.password === undefined ? {} : { password: options.password }),
    ...(options.tls === undefined ? {} : { tls: options.tls }),
    ...(options.connectionName === undefined ? {} : { connectionName: options.connectionName }),
    ...(options.readTimeoutMs === Infinity ? {} : { commandTimeout: timerDelayMs(options.readTimeoutMs) }),
    lazyConnect: true,
    connectTimeout: timerDelayMs(options.connTimeoutMs),
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
