import { ReplyError } from 'ioredis';
import { RedisConnectionError, RedisPoolError, RedisReplyError, RedisTimeoutError } from './errors.js';

const REDACTED = '***';
/** `scheme://user:password@` and `scheme://password@` in any text, up to the last `@` (a password may hold one). */
const URL_CREDENTIALS = /([a-z][a-z0-9+.-]*:\/\/)\S*@/gi;
/** Properties of a Node system error worth keeping; all are strings or numbers, none can hold a secret. */
const SAFE_PROPERTIES = ['code', 'errno', 'syscall', 'address', 'port'] as const;
/** Node system error codes of a socket that failed under a command. */
const TRANSPORT_CODES = new Set(['ECONNRESET', 'EPIPE', 'ECONNABORTED', 'ETIMEDOUT', 'ENOTCONN', 'ERR_STREAM_DESTROYED', 'ERR_STREAM_WRITE_AFTER_END']);

/**
 * Removes known secrets (the password, the URL) and any URL credentials from text. Every message that leaves the
 * package passes through one.
 */
export class Redactor {
  readonly #secrets: readonly string[];

  /** @param secrets - values never to show; empty ones are ignored. */
  constructor(secrets: readonly (string | undefined)[]) {
    this.#secrets = secrets.filter((secret): secret is string => secret !== undefined && secret.length > 0);
  }

  /** Returns `text` with every secret and URL credential replaced by `***`. */
  redact(text: string): string {
    let clean = text.replace(URL_CREDENTIALS, `$1${REDACTED}@`);
    for (const secret of this.#secrets) clean = clean.split(secret).join(REDACTED);
    return clean;
  }

  /**
   * A plain copy of `error` safe to attach as `cause`: name, redacted message and the system-error properties only.
   * ioredis errors carry `command.args`, which for AUTH is the password, so the original is never kept.
   */
  sanitise(error: unknown): Error {
    if (!(error instanceof Error)) return new Error(this.redact(String(error)));
    const copy = new Error(this.redact(error.message));
    copy.name = error.name;
    copy.stack = `${copy.name}: ${copy.message}`;
    const source = error as unknown as Record<string, unknown>;
    const target = copy as unknown as Record<string, unknown>;
    for (const key of SAFE_PROPERTIES) {
      const value = source[key];
      if (typeof value === 'string') target[key] = this.redact(value);
      else if (typeof value === 'number') target[key] = value;
    }
    return copy;
  }

  /**
   * Turns whatever a command or connect rejected with into a typed error: a reply error keeps the server's message;
   * ioredis' `Command timed out` becomes a {@link RedisTimeoutError}, anything else a {@link RedisConnectionError},
   * each worded plainly with ioredis' or Node's error, sanitised, as `cause`.
   * @param sent - whether the command had been written to the socket (`false` for a connect).
   */
  toRedisError(error: unknown, command: string, timeoutMs: number, sent = true): RedisPoolError {
    if (error instanceof RedisPoolError) return error;
    if (error instanceof ReplyError && error instanceof Error) {
      return new RedisReplyError(this.redact(error.message), command);
    }
    const cause = this.sanitise(error);
    const message = error instanceof Error ? error.message : String(error);
    const systemCode = (error as { code?: unknown } | null)?.code;
    if (message === 'Command timed out' || systemCode === 'ETIMEDOUT') {
      const what = sent
        ? `${command} got no reply within ${timeoutMs} ms; it may still run on the server, and its connection was dropped`
        : `${command} timed out after ${timeoutMs} ms before the command was sent`;
      return new RedisTimeoutError(what, timeoutMs, { cause, sent });
    }
    const reason = typeof systemCode === 'string' && /^E[A-Z]+$/.test(systemCode) ? ` (${systemCode})` : '';
    const what = sent
      ? `${command} failed: the connection was lost after the command was sent, so it may have run${reason}`
      : `${command} failed: the connection was closed before the command was sent${reason}`;
    return new RedisConnectionError(what, { cause, sent });
  }

  /**
   * Types what ioredis rejected a call with when the caller used the connection directly (inside `use()`): a timeout
   * (`Command timed out`) or a lost connection becomes the pool's typed error with ioredis' error as `cause`;
   * anything else, reply errors included, is returned unchanged.
   * @param timeoutMs - the read timeout ioredis applied (`readTimeoutMs`).
   */
  toTransportError(error: unknown, timeoutMs: number): unknown {
    if (!(error instanceof Error) || error instanceof RedisPoolError || error instanceof ReplyError) return error;
    const systemCode = (error as { code?: unknown }).code;
    if (error.message === 'Command timed out') {
      return new RedisTimeoutError(`an ioredis call got no reply within ${timeoutMs} ms; it may still run on the server, and its connection was dropped`, timeoutMs, {
        cause: this.sanitise(error),
        sent: true,
      });
    }
    if (error.message.startsWith("Stream isn't writeable")) {
      return new RedisConnectionError('an ioredis call failed: the connection was closed before the command was sent', { cause: this.sanitise(error), sent: false });
    }
    if (error.message === 'Connection is closed.' || (typeof systemCode === 'string' && TRANSPORT_CODES.has(systemCode))) {
      return new RedisConnectionError('an ioredis call failed: the connection was lost, and the command may have run', { cause: this.sanitise(error), sent: true });
    }
    return error;
  }

  /**
   * Types a failed connect (`what`: `connect`, `cluster connect`): a reply error (WRONGPASS, NOAUTH) as such, else a
   * {@link RedisTimeoutError} or {@link RedisConnectionError} with `sent: false`, since no command was written.
   */
  toConnectError(error: unknown, what: string, timeoutMs: number): RedisPoolError {
    if (error instanceof RedisPoolError || (error instanceof ReplyError && error instanceof Error)) return this.toRedisError(error, what, timeoutMs, false);
    const cause = this.sanitise(error);
    const message = error instanceof Error ? error.message : String(error);
    const systemCode = (error as { code?: unknown } | null)?.code;
    if (message === 'Command timed out' || systemCode === 'ETIMEDOUT') {
      return new RedisTimeoutError(`${what} timed out after ${timeoutMs} ms`, timeoutMs, { cause, sent: false });
    }
    const reason = typeof systemCode === 'string' && /^E[A-Z]+$/.test(systemCode) ? ` (${systemCode})` : '';
    return new RedisConnectionError(`${what} failed: the server could not be reached or closed the connection${reason}`, { cause, sent: false });
  }
}

/** Whether a typed error means the connection it happened on can no longer be trusted. */
export function breaksConnection(error: RedisPoolError): boolean {
  return error.code === 'REDIS_CONNECTION' || error.code === 'REDIS_TIMEOUT';
}
