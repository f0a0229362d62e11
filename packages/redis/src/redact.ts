import { ReplyError } from 'ioredis';
import { RedisConnectionError, RedisPoolError, RedisReplyError, RedisTimeoutError } from './errors.js';

const REDACTED = '***';
/** `scheme://user:password@` and `scheme://password@` in any text, up to the last `@` (a password may hold one). */
const URL_CREDENTIALS = /([a-z][a-z0-9+.-]*:\/\/)\S*@/gi;
/** Properties of a Node system error worth keeping; all are strings or numbers, none can hold a secret. */
const SAFE_PROPERTIES = ['code', 'errno', 'syscall', 'address', 'port'] as const;

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
   * Turns whatever a command or connect rejected with into a typed error: a reply error keeps the server's message,
   * ioredis' `Command timed out` becomes a {@link RedisTimeoutError}, anything else a {@link RedisConnectionError}.
   */
  toRedisError(error: unknown, command: string, timeoutMs: number): RedisPoolError {
    if (error instanceof RedisPoolError) return error;
    if (error instanceof ReplyError && error instanceof Error) {
      return new RedisReplyError(this.redact(error.message), command);
    }
    const message = error instanceof Error ? error.message : String(error);
    if (message === 'Command timed out') {
      return new RedisTimeoutError(`${command} got no reply within ${timeoutMs} ms`, timeoutMs);
    }
    if ((error as { code?: unknown }).code === 'ETIMEDOUT') {
      return new RedisTimeoutError(`${command} timed out after ${timeoutMs} ms`, timeoutMs);
    }
    return new RedisConnectionError(`${command} failed on the connection: ${this.redact(message)}`, this.sanitise(error));
  }
}

/** Whether a typed error means the connection it happened on can no longer be trusted. */
export function breaksConnection(error: RedisPoolError): boolean {
  return error.code === 'REDIS_CONNECTION' || error.code === 'REDIS_TIMEOUT';
}
