import type { RedisOptions } from 'ioredis';
import { InvalidRedisOptionError } from './errors.js';

/**
 * ioredis options a user already knows, against the pool's own: what each of them is called here, or why the pool
 * sets it itself. Checked at the top level (`createRedisPool({ db: 1 })`) and inside the `ioredis` pass-through
 * option, so neither a familiar name nor an option the pool relies on slips through.
 */
const OWNED: ReadonlyMap<string, string> = new Map([
  ['host', 'use the pool option host'],
  ['port', 'use the pool option port'],
  ['path', 'use the pool option path'],
  ['db', 'use the pool option database'],
  ['username', 'use the pool option username'],
  ['password', 'use the pool option password'],
  ['tls', 'use the pool option tls (true or Node TLS options)'],
  ['connectionName', 'use the pool option connectionName'],
  ['connectTimeout', 'use the pool option connTimeoutMs (it bounds TCP, TLS, AUTH, SELECT and a PING)'],
  ['commandTimeout', 'use the pool option readTimeoutMs (blocking commands get their block time on top)'],
  ['enableAutoPipelining', 'use the pool option multiplex'],
  [
    'maxRetriesPerRequest',
    'it is managed by the pool: each command is sent once, since a retried command may run twice; a connection that fails is replaced',
  ],
  [
    'enableOfflineQueue',
    'it is managed by the pool: commands go only to a connected connection; with none free, acquire waits or fails by acquireTimeoutMs',
  ],
  [
    'lazyConnect',
    'it is managed by the pool: it connects each connection when it creates it, within connTimeoutMs; minIdle keeps connections ready ahead',
  ],
  ['retryStrategy', 'it is managed by the pool: a broken connection is replaced, not reconnected behind the pool\'s back'],
  ['reconnectOnError', 'it is managed by the pool: a broken connection is replaced, not reconnected behind the pool\'s back'],
  ['autoResubscribe', 'it is managed by the pool: use subscriber(), whose connection is the subscriber\'s own'],
  ['autoResendUnfulfilledCommands', 'it is managed by the pool: each command is sent once, since a resent command may run twice'],
  ['enableReadyCheck', 'it is managed by the pool: a new connection is ready once its PING is answered'],
  ['disableClientInfo', 'it is managed by the pool'],
  ['sentinels', 'use createSentinelPool({ sentinels, name })'],
  ['name', 'use createSentinelPool({ sentinels, name })'],
]);

/**
 * ioredis connection options the pool leaves alone (`family`, `keyPrefix`, `keepAlive`, ...): named at the top level
 * they fail with a hint to pass them in `ioredis`.
 */
const PASS_THROUGH_HINTS = new Set([
  'family', 'keyPrefix', 'keepAlive', 'noDelay', 'socketTimeout', 'stringNumbers', 'showFriendlyErrorStack',
  'monitor', 'readOnly', 'Connector', 'localAddress',
]);

/** Why a top-level option that is not the pool's fails: an ioredis name with a fix, or `undefined` for none known. */
export function ioredisNameHint(key: string): string | undefined {
  const owned = OWNED.get(key);
  if (owned !== undefined && !POOL_NAMES.has(key)) return `${key} is an ioredis option: ${owned}`;
  if (PASS_THROUGH_HINTS.has(key)) return `${key} is an ioredis connection option: pass it as ioredis: { ${key} }`;
  return undefined;
}

/** Top-level names the pool itself uses (never an error at the top level). */
const POOL_NAMES = new Set(['host', 'port', 'path', 'username', 'password', 'tls', 'connectionName']);

/**
 * Checks the `ioredis` option: a plain object of ioredis connection options none of which the pool owns.
 * @throws InvalidRedisOptionError (`INVALID_OPTION`) naming the option and the pool option that replaces it.
 */
export function resolveIoredisOptions(value: unknown): Readonly<Partial<RedisOptions>> {
  if (value === undefined) return {};
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw new InvalidRedisOptionError(`ioredis must be an object of ioredis connection options, got ${value === null ? 'null' : Array.isArray(value) ? 'an array' : typeof value}`);
  }
  for (const key of Object.keys(value)) {
    const owned = OWNED.get(key);
    if (owned !== undefined) throw new InvalidRedisOptionError(`ioredis.${key} is owned by the pool: ${owned}`);
  }
  return { ...(value as Partial<RedisOptions>) };
}
