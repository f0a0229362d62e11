import { CreateError, PoolError } from '@pool/core';
/**
 * Stable machine-readable codes carried by every {@link RedisPoolError}. Match on `error.code`, never on the message.
 * Errors of the pool engine itself (`POOL_EXHAUSTED`, `POOL_CLOSED`, ...) stay `@pool/core`'s `PoolError`s.
 */
export type RedisErrorCode =
  | 'REDIS_REPLY'
  | 'REDIS_CONNECTION'
  | 'REDIS_TIMEOUT'
  | 'INVALID_OPTION'
  | 'INVALID_URL'
  | 'INVALID_ARGUMENT'
  | 'SUBSCRIBER_CLOSED'
  // Multi-server pools (hash, cluster, sentinel): see targets.ts and sentinel-pool.ts.
  | 'NO_TARGET'
  | 'UNKNOWN_NODE'
  | 'CROSS_SLOT'
  | 'NO_MASTER';

/**
 * Base class of every error `@pool/redis` throws, a `@pool/core` `PoolError` with Redis codes: one call fails with
 * one root, so `error instanceof PoolError` catches a `REDIS_TIMEOUT` and a `POOL_EXHAUSTED` alike, and holds across
 * the ESM and CommonJS builds. No message, property or `cause` of it ever holds a password or the credentials of a
 * URL: ioredis errors are copied into sanitised errors before they are attached.
 *
 * @example
 * ```ts
 * try {
 *   await redis.execute('GET', 'key');
 * } catch (error) {
 *   if (error instanceof RedisPoolError && error.code === 'REDIS_TIMEOUT') retryLater();
 * }
 * ```
 */
export class RedisPoolError extends PoolError<RedisErrorCode> {
  constructor(code: RedisErrorCode, message: string, options?: { cause?: unknown }) {
    super(code, message, options);
  }
}

/**
 * The server answered with an error reply (`WRONGTYPE`, `NOSCRIPT`, `NOPERM`, `WRONGPASS`, ...). The message is the
 * server's; the connection stays usable.
 */
export class RedisReplyError extends RedisPoolError {
  /** The first word of the server's message, e.g. `WRONGTYPE` or `ERR`. */
  readonly replyCode: string;
  /** The command that got the error reply, upper-cased (never its arguments). */
  readonly command: string;

  constructor(message: string, command: string) {
    super('REDIS_REPLY', message);
    this.replyCode = /^[A-Z]+/.exec(message)?.[0] ?? 'ERR';
    this.command = command;
  }
}

/** What a transport error knows besides its message. */
export interface TransportErrorDetails {
  /** A sanitised copy of the underlying error (ioredis' or Node's), never holding a password. */
  readonly cause?: unknown;
  /**
   * Whether the command may have reached the server. `false`: it surely never left this process (the connection
   * was closed, not ready, or never connected), so running it again cannot run it twice. @default true
   */
  readonly sent?: boolean;
}

/**
 * The connection failed or closed (refused, reset, killed server, TLS failure). `cause` is a sanitised copy of
 * ioredis' or Node's error; `sent` says whether the command may have run.
 *
 * @example
 * ```ts
 * try {
 *   await redis.execute('INCR', 'visits');
 * } catch (error) {
 *   // Never written: running it again cannot count twice.
 *   if (error instanceof RedisConnectionError && !error.sent) await redis.execute('INCR', 'visits');
 * }
 * ```
 */
export class RedisConnectionError extends RedisPoolError {
  /** `false` when the command surely never reached the socket (safe to retry); `true` when it may have run. */
  readonly sent: boolean;

  constructor(message: string, details: TransportErrorDetails = {}) {
    super('REDIS_CONNECTION', message, details.cause === undefined ? undefined : { cause: details.cause });
    this.sent = details.sent ?? true;
  }
}

/**
 * A connect took longer than `connTimeoutMs`, or a command longer than its read timeout. A command that timed out
 * was written (`sent: true`) and may still run on the server; the connection it was on is dropped.
 */
export class RedisTimeoutError extends RedisPoolError {
  /** The limit that ran out, in milliseconds. */
  readonly timeoutMs: number;
  /** `false` for a connect that timed out (the command was never written); `true` for a command that timed out. */
  readonly sent: boolean;

  constructor(message: string, timeoutMs: number, details: TransportErrorDetails = {}) {
    super('REDIS_TIMEOUT', message, details.cause === undefined ? undefined : { cause: details.cause });
    this.timeoutMs = timeoutMs;
    this.sent = details.sent ?? true;
  }
}

/** An option of {@link createRedisPool} is missing, out of range or of the wrong type. The message names it. */
export class InvalidRedisOptionError extends RedisPoolError {
  constructor(message: string) {
    super('INVALID_OPTION', message);
  }
}

/** A `redis://` or `rediss://` URL could not be used. The message names the problem and shows no credentials. */
export class InvalidRedisUrlError extends RedisPoolError {
  constructor(message: string) {
    super('INVALID_URL', message);
  }
}

/** A command name or argument is not a string, finite number or Buffer. Nothing was sent to the server. */
export class InvalidArgumentError extends RedisPoolError {
  constructor(message: string) {
    super('INVALID_ARGUMENT', message);
  }
}

/** The {@link Subscriber} was closed; its commands and iterators end with this. */
export class SubscriberClosedError extends RedisPoolError {
  constructor() {
    super('SUBSCRIBER_CLOSED', 'Subscriber is closed');
  }
}

// Literal ids, not `.name`: a minifier may rename the classes of one copy and not of the other.
PoolError.brand(RedisPoolError, '@pool/redis:RedisPoolError');
PoolError.brand(RedisReplyError, '@pool/redis:RedisReplyError');
PoolError.brand(RedisConnectionError, '@pool/redis:RedisConnectionError');
PoolError.brand(RedisTimeoutError, '@pool/redis:RedisTimeoutError');
PoolError.brand(InvalidRedisOptionError, '@pool/redis:InvalidRedisOptionError');
PoolError.brand(InvalidRedisUrlError, '@pool/redis:InvalidRedisUrlError');
PoolError.brand(InvalidArgumentError, '@pool/redis:InvalidArgumentError');
PoolError.brand(SubscriberClosedError, '@pool/redis:SubscriberClosedError');

/**
 * Rethrows an acquire error so that a failed connect surfaces as the typed Redis error itself, not as `@pool/core`'s
 * `CREATE_FAILED` wrapper; any other error is rethrown as it is.
 */
export function unwrapCreateError(error: unknown): never {
  if (error instanceof CreateError && error.cause instanceof RedisPoolError) throw error.cause;
  throw error;
}
