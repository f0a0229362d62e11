import type { ConnectionOptions as TlsOptions } from 'node:tls';
import { createPool, InvalidOptionError, type PoolOptions } from '@pool/core';
import type { RedisOptions } from 'ioredis';
import { InvalidRedisOptionError } from './errors.js';
import { ioredisNameHint, resolveIoredisOptions } from './ioredis-options.js';
import { parseRedisUrl } from './url.js';

/**
 * Options of {@link createRedisPool}: exactly one of `host`, `path` or `url`, the Redis options, and every
 * `@pool/core` option (`size`, `closeOnError`, `acquireTimeoutMs`, ...). Every value is validated.
 */
export interface RedisPoolOptions extends PoolOptions {
  /** Server host name or IP. Excludes `path` and `url`. */
  host?: string;
  /** Server TCP port, with `host`. Range: 1 to 65535. @default 6379 */
  port?: number;
  /** Unix socket path. Excludes `host` and `url`. */
  path?: string;
  /**
   * `redis://[[user]:password@]host[:port][/db][?options]` or `rediss://...` (TLS). Excludes `host` and `path`.
   * Explicit `database`, `username`, `password`, `size`, `connTimeoutMs` and `readTimeoutMs` win over the URL's.
   */
  url?: string;
  /** Database selected on connect (SELECT). Minimum: 0. @default 0 */
  database?: number;
  /** ACL user name (AUTH username password). Needs `password`. */
  username?: string;
  /** Password sent with AUTH on connect. Never shown in errors or events. */
  password?: string;
  /**
   * How replies are decoded. `null` (pyredis' default): bulk strings come back as Buffers. A Buffer encoding such
   * as `'utf8'`: as strings. @default null
   */
  encoding?: BufferEncoding | null;
  /**
   * Connect (TCP, TLS, AUTH, SELECT and a PING) must finish within this. Minimum: 1; above 2^31-1 (about 24.8 days,
   * the longest a Node timer waits) it is capped there. @default 2000
   */
  connTimeoutMs?: number;
  /**
   * Each command must be answered within this (blocking commands get their own block time on top).
   * `Infinity` turns it off. Minimum: 1; a finite value above 2^31-1 is capped there. @default 2000
   */
  readTimeoutMs?: number;
  /** TLS: `true` or Node TLS options. Certificates are verified unless `rejectUnauthorized: false`. @default false */
  tls?: boolean | TlsOptions;
  /** Name given to each connection with CLIENT SETNAME (visible in CLIENT LIST). No spaces. */
  connectionName?: string;
  /** Pipeline shareable commands onto open connections instead of leasing one per command. @default false */
  multiplex?: boolean;
  /** Multiplexed mode: most commands in flight on one connection. Minimum: 1. @default 64 */
  maxInFlightPerConnection?: number;
  /** Bulk mode: commands sent per pipelined batch. Minimum: 1. @default 100 */
  bulkSize?: number;
  /**
   * ioredis connection options the pool does not own, passed to every connection as they are: `family`,
   * `keyPrefix`, `keepAlive`, `noDelay`, ... An option the pool owns fails and names the pool's own
   * (`db` → `database`, `connectTimeout` → `connTimeoutMs`, `tls` → `tls`), or says why the pool manages it
   * (`maxRetriesPerRequest`, `enableOfflineQueue`, `lazyConnect`, `retryStrategy`, ...).
   * @example
   * ```ts
   * createRedisPool({ host: '127.0.0.1', database: 1, ioredis: { family: 4, keyPrefix: 'app:' } });
   * ```
   */
  ioredis?: Partial<RedisOptions>;
}

/** The defaults of the Redis options, in one place; applied with `??` so `0` stays `0`. */
export const REDIS_DEFAULTS = {
  /** TCP port when only `host` is given. */
  port: 6379,
  /** Database SELECTed on connect. */
  database: 0,
  /** `null`: bulk replies as Buffers. */
  encoding: null,
  /** Bound of connect + AUTH + SELECT + PING. */
  connTimeoutMs: 2_000,
  /** Bound of each reply (blocking commands get their block time on top). */
  readTimeoutMs: 2_000,
  /** Plain TCP unless asked. */
  tls: false,
  /** Exclusive mode unless asked. */
  multiplex: false,
  /** Multiplexed commands in flight on one connection. */
  maxInFlightPerConnection: 64,
  /** Commands per pipelined batch in bulk mode. */
  bulkSize: 100,
} as const;

/** Where to connect: TCP or a unix socket. */
export type RedisAddress = { readonly host: string; readonly port: number } | { readonly path: string };

/** Options after defaults, URL merge and validation. */
export interface ResolvedRedisOptions {
  readonly address: RedisAddress;
  readonly database: number;
  readonly username: string | undefined;
  readonly password: string | undefined;
  readonly encoding: BufferEncoding | null;
  readonly connTimeoutMs: number;
  readonly readTimeoutMs: number;
  readonly tls: TlsOptions | undefined;
  readonly connectionName: string | undefined;
  readonly multiplex: boolean;
  readonly maxInFlightPerConnection: number;
  readonly bulkSize: number;
  /** The `ioredis` pass-through options, checked against the ones the pool owns. */
  readonly ioredis: Readonly<Partial<RedisOptions>>;
  /** The `@pool/core` options, passed through untouched (the core validates them). */
  readonly poolOptions: PoolOptions;
}

const REDIS_KEYS = new Set([
  'host', 'port', 'path', 'url', 'database', 'username', 'password', 'encoding', 'connTimeoutMs', 'readTimeoutMs',
  'tls', 'connectionName', 'multiplex', 'maxInFlightPerConnection', 'bulkSize', 'ioredis',
]);

/** A factory for a pool that only checks the `@pool/core` options: closed at once, it never creates. */
const NEVER_CREATES = { create: () => Promise.reject(new Error('never created')), destroy: () => undefined };

/**
 * Applies {@link REDIS_DEFAULTS}, merges a `url`, and checks every option, the `@pool/core` ones included, so every
 * bad option of one call fails with the same class.
 * @throws InvalidRedisOptionError (`INVALID_OPTION`), InvalidRedisUrlError (`INVALID_URL`)
 */
export function resolveRedisOptions(options: RedisPoolOptions): ResolvedRedisOptions {
  if (options === null || typeof options !== 'object') throw new InvalidRedisOptionError(`options must be an object, got ${typeof options}`);
  const fromUrl = options.url === undefined ? undefined : parseRedisUrl(options.url);
  const poolOptions: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(options)) {
    if (REDIS_KEYS.has(key)) continue;
    const hint = ioredisNameHint(key);
    if (hint !== undefined) throw new InvalidRedisOptionError(hint);
    poolOptions[key] = value;
  }
  if (fromUrl?.size !== undefined && options.size === undefined) poolOptions['size'] = fromUrl.size;
  checkPoolOptions(poolOptions);
  const username = optionalString('username', options.username ?? fromUrl?.username);
  const password = optionalString('password', options.password ?? fromUrl?.password);
  if (username !== undefined && password === undefined) throw new InvalidRedisOptionError('username needs a password');
  return {
    address: resolveAddress(options, fromUrl === undefined ? undefined : { host: fromUrl.host, port: fromUrl.port }),
    database: whole('database', options.database ?? fromUrl?.database ?? REDIS_DEFAULTS.database, 0),
    username,
    password,
    encoding: resolveEncoding(options.encoding === undefined ? REDIS_DEFAULTS.encoding : options.encoding),
    connTimeoutMs: duration('connTimeoutMs', options.connTimeoutMs ?? fromUrl?.connTimeoutMs ?? REDIS_DEFAULTS.connTimeoutMs, false),
    readTimeoutMs: duration('readTimeoutMs', options.readTimeoutMs ?? fromUrl?.readTimeoutMs ?? REDIS_DEFAULTS.readTimeoutMs, true),
    tls: resolveTls(options.tls ?? (fromUrl?.tls === true ? true : REDIS_DEFAULTS.tls)),
    connectionName: resolveConnectionName(options.connectionName),
    multiplex: boolean('multiplex', options.multiplex ?? REDIS_DEFAULTS.multiplex),
    maxInFlightPerConnection: whole('maxInFlightPerConnection', options.maxInFlightPerConnection ?? REDIS_DEFAULTS.maxInFlightPerConnection, 1),
    bulkSize: whole('bulkSize', options.bulkSize ?? REDIS_DEFAULTS.bulkSize, 1),
    ioredis: resolveIoredisOptions(options.ioredis),
    poolOptions,
  };
}

/** `@pool/core` checks its options; its `InvalidOptionError` comes back as this package's class, same message. */
function checkPoolOptions(poolOptions: PoolOptions): void {
  try {
    void createPool(NEVER_CREATES, poolOptions).close();
  } catch (error) {
    if (error instanceof InvalidOptionError) throw new InvalidRedisOptionError(error.message);
    throw error;
  }
}

function resolveAddress(options: RedisPoolOptions, fromUrl: RedisAddress | undefined): RedisAddress {
  const given = (['host', 'path', 'url'] as const).filter((key) => options[key] !== undefined);
  if (given.length !== 1) {
    throw new InvalidRedisOptionError(`exactly one of host, path or url is required, got ${given.length === 0 ? 'none' : given.join(' and ')}`);
  }
  if (options.port !== undefined && options.host === undefined) throw new InvalidRedisOptionError('port needs host');
  if (fromUrl !== undefined) return fromUrl;
  if (options.path !== undefined) return { path: nonEmptyString('path', options.path) };
  const port = options.port ?? REDIS_DEFAULTS.port;
  if (!Number.isInteger(port) || port < 1 || port > 65_535) throw new InvalidRedisOptionError(`port must be an integer from 1 to 65535, got ${String(port)}`);
  return { host: nonEmptyString('host', options.host), port };
}

function resolveEncoding(value: unknown): BufferEncoding | null {
  if (value === null) return null;
  if (typeof value !== 'string' || !Buffer.isEncoding(value)) {
    throw new InvalidRedisOptionError(`encoding must be null or a Buffer encoding such as 'utf8', got ${describe(value)}`);
  }
  return value;
}

function resolveTls(value: unknown): TlsOptions | undefined {
  if (value === false) return undefined;
  if (value === true) return {};
  if (value !== null && typeof value === 'object' && !Array.isArray(value)) return value as TlsOptions;
  throw new InvalidRedisOptionError(`tls must be a boolean or an object of TLS options, got ${describe(value)}`);
}

function resolveConnectionName(value: unknown): string | undefined {
  if (value === undefined) return undefined;
  const name = nonEmptyString('connectionName', value);
  if (/\s/.test(name)) throw new InvalidRedisOptionError(`connectionName must not contain spaces, got ${describe(name)}`);
  return name;
}

function whole(name: string, value: unknown, min: number): number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < min) {
    throw new InvalidRedisOptionError(`${name} must be an integer >= ${min}, got ${describe(value)}`);
  }
  return value;
}

function duration(name: string, value: unknown, allowInfinity: boolean): number {
  const finite = typeof value === 'number' && Number.isFinite(value) && value >= 1;
  if (!finite && !(allowInfinity && value === Infinity)) {
    throw new InvalidRedisOptionError(`${name} must be a number of milliseconds >= 1${allowInfinity ? ' or Infinity' : ''}, got ${describe(value)}`);
  }
  return value as number;
}

function boolean(name: string, value: unknown): boolean {
  if (typeof value !== 'boolean') throw new InvalidRedisOptionError(`${name} must be a boolean, got ${describe(value)}`);
  return value;
}

function nonEmptyString(name: string, value: unknown): string {
  if (typeof value !== 'string' || value === '') throw new InvalidRedisOptionError(`${name} must be a non-empty string, got ${describe(value)}`);
  return value;
}

function optionalString(name: string, value: unknown): string | undefined {
  // Only the type is named: the value may be a secret.
  if (value !== undefined && typeof value !== 'string') throw new InvalidRedisOptionError(`${name} must be a string, got ${typeof value}`);
  return value;
}

function describe(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value);
  if (typeof value === 'number' || typeof value === 'boolean' || value === null || value === undefined) return String(value);
  return Array.isArray(value) ? 'an array' : `a ${typeof value}`;
}
