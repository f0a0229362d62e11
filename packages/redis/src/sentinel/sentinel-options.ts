import { createPool } from '@pool/core';
import { InvalidRedisOptionError } from '../errors.js';
import { resolveRedisOptions, type RedisPoolOptions } from '../options.js';
import { Redactor } from '../redact.js';
import { SentinelWatch, type NodeAddress } from './sentinel-watch.js';
import { parseHostPort } from '../routing/targets.js';

/** Options of `createSentinelPool`. */
export interface SentinelPoolOptions extends Omit<RedisPoolOptions, 'host' | 'port' | 'path' | 'url'> {
  /** The sentinels, `host[:port]` (port 26379 by default). */
  sentinels: readonly string[];
  /** The master name the sentinels monitor. */
  name: string;
  /** ACL user for the sentinels (not the data nodes). */
  sentinelUsername?: string;
  /** Password for the sentinels (not the data nodes). Never shown in errors. */
  sentinelPassword?: string;
  /** Send read-only commands to a random replica (pyredis' `slave_ok`); the master when none is fit. @default false */
  readFromReplicas?: boolean;
  /**
   * Extra attempts for a call that surely did not run: one refused with READONLY by a demoted master, one whose
   * master pool was retired before it got a connection, and read-only commands after a connection failure.
   * A write that failed on the transport is never retried (it may have run). Minimum: 0. @default 3
   */
  retries?: number;
}

const SENTINEL_PORT = 26_379;

/** Sentinel pool options, split and checked. */
export interface ParsedSentinelOptions {
  readonly sentinels: NodeAddress[];
  readonly name: string;
  readonly readFromReplicas: boolean;
  readonly retries: number;
  readonly nodeOptions: RedisPoolOptions;
}

/**
 * Splits and checks the options; the data-node options are validated now by the single-server rules.
 * @throws InvalidRedisOptionError (`INVALID_OPTION`), and `@pool/core`'s InvalidOptionError.
 */
export function parseSentinelOptions(options: SentinelPoolOptions): ParsedSentinelOptions {
  if (options === null || typeof options !== 'object') throw new InvalidRedisOptionError('options must be an object');
  const { sentinels, name, sentinelUsername: _user, sentinelPassword: _password, readFromReplicas = false, retries = 3, ...rest } = options;
  for (const key of ['host', 'port', 'path', 'url'] as const) {
    if (key in rest) throw new InvalidRedisOptionError(`${key} is not an option of a sentinel pool; list sentinels and a name`);
  }
  if (!Array.isArray(sentinels) || sentinels.length === 0) throw new InvalidRedisOptionError('sentinels must be a non-empty array of "host:port" strings');
  const addresses = sentinels.map((sentinel: unknown) => {
    const address = typeof sentinel === 'string' ? parseHostPort(sentinel, SENTINEL_PORT) : undefined;
    if (address === undefined) throw new InvalidRedisOptionError(`sentinels entries must be "host[:port]", got ${JSON.stringify(sentinel)}`);
    return address;
  });
  if (typeof name !== 'string' || name === '') throw new InvalidRedisOptionError('name must be the non-empty master name');
  if (typeof readFromReplicas !== 'boolean') throw new InvalidRedisOptionError(`readFromReplicas must be a boolean, got ${typeof readFromReplicas}`);
  if (!Number.isSafeInteger(retries) || retries < 0) throw new InvalidRedisOptionError(`retries must be an integer >= 0, got ${String(retries)}`);
  for (const key of ['sentinelUsername', 'sentinelPassword'] as const) {
    if (options[key] !== undefined && typeof options[key] !== 'string') throw new InvalidRedisOptionError(`${key} must be a string, got ${typeof options[key]}`);
  }
  const nodeOptions: RedisPoolOptions = { closeOnError: true, ...rest };
  // Validate now, not at the first lookup: the Redis options here, the pool options by a pool that is never used.
  const resolved = resolveRedisOptions({ ...nodeOptions, host: 'validation.invalid' });
  // Closed at once, so even with minIdle its creates are abandoned before they start.
  void createPool({ create: () => Promise.reject(new Error('never created')), destroy: () => undefined }, resolved.poolOptions).close();
  return { sentinels: addresses, name, readFromReplicas, retries, nodeOptions };
}

/** A sentinel watch for these options: sentinel credentials, the data nodes' TLS and connect timeout. */
export function createWatch(sentinels: NodeAddress[], options: SentinelPoolOptions, nodeOptions: RedisPoolOptions): SentinelWatch {
  const resolved = resolveRedisOptions({ ...nodeOptions, host: 'validation.invalid' });
  return new SentinelWatch({
    sentinels,
    username: options.sentinelUsername,
    password: options.sentinelPassword,
    tls: resolved.tls,
    timeoutMs: resolved.connTimeoutMs,
    redactor: new Redactor([options.sentinelPassword, options.password]),
  });
}

