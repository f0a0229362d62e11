import { InvalidRedisUrlError } from './errors.js';
import { Redactor } from './redact.js';

/** What a single-server URL says; every field is optional except the address. */
export interface RedisUrlOptions {
  /** Host name or IP address (IPv6 without brackets). */
  host: string;
  /** TCP port. @default 6379 */
  port: number;
  /** Whether the scheme was `rediss://` (TLS, certificates verified). */
  tls: boolean;
  /** ACL user name, from `redis://user:password@...`. */
  username?: string;
  /** Password, from the URL's user info. */
  password?: string;
  /** Database number, from the path (`/3`) or `?database=3` (`?db=3` accepted). */
  database?: number;
  /** Pool size, from `?size=` (`?pool_size=` accepted, pyredis' name). */
  size?: number;
  /** From `?connTimeoutMs=`. */
  connTimeoutMs?: number;
  /** From `?readTimeoutMs=`. */
  readTimeoutMs?: number;
}

const SCHEMES = new Map([
  ['redis:', false],
  ['rediss:', true],
]);
const QUERY_NUMBERS = new Map<string, 'database' | 'size' | 'connTimeoutMs' | 'readTimeoutMs'>([
  ['database', 'database'],
  ['db', 'database'],
  ['size', 'size'],
  ['pool_size', 'size'],
  ['connTimeoutMs', 'connTimeoutMs'],
  ['readTimeoutMs', 'readTimeoutMs'],
]);

/**
 * Parses `redis://[[user]:password@]host[:port][/database][?options]` or the same with `rediss://` (TLS).
 * User name and password are percent-decoded. Query options: `database` (`db`), `size` (`pool_size`),
 * `connTimeoutMs`, `readTimeoutMs`; any other one is rejected.
 *
 * @throws InvalidRedisUrlError (`INVALID_URL`) naming what is wrong; the message never shows the credentials.
 * @example
 * ```ts
 * parseRedisUrl('rediss://app:secret@cache.internal:6380/2?size=8');
 * // { host: 'cache.internal', port: 6380, tls: true, username: 'app', password: 'secret', database: 2, size: 8 }
 * ```
 */
export function parseRedisUrl(url: string): RedisUrlOptions {
  if (typeof url !== 'string') throw new InvalidRedisUrlError(`url must be a string, got ${typeof url}`);
  const redactor = new Redactor([]);
  const shown = redactor.redact(url);
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    // Not shown at all: without a parse we cannot tell where its credentials end.
    throw new InvalidRedisUrlError('url is not a valid URL');
  }
  const tls = SCHEMES.get(parsed.protocol);
  if (tls === undefined) {
    throw new InvalidRedisUrlError(`url scheme must be redis:// or rediss://, got ${parsed.protocol}// in ${shown}`);
  }
  const host = parsed.hostname.replace(/^\[(.*)\]$/, '$1');
  if (host === '') throw new InvalidRedisUrlError(`url has no host: ${shown}`);
  const result: RedisUrlOptions = { host, port: parsePort(parsed.port, shown), tls };
  if (parsed.username !== '') result.username = decode(parsed.username, 'user name', shown);
  if (parsed.password !== '') result.password = decode(parsed.password, 'password', shown);
  const path = parsed.pathname.replace(/^\//, '');
  if (path !== '') result.database = parseWhole(path, 'database (path)', shown);
  for (const [key, value] of parsed.searchParams) {
    const option = QUERY_NUMBERS.get(key);
    if (option === undefined) throw new InvalidRedisUrlError(`url has an unknown query option ${key}: ${shown}`);
    result[option] = parseWhole(value, option, shown);
  }
  return result;
}

function parsePort(port: string, shown: string): number {
  if (port === '') return 6379;
  const value = Number(port);
  if (!Number.isInteger(value) || value < 1 || value > 65_535) {
    throw new InvalidRedisUrlError(`url port must be 1 to 65535, got ${port}: ${shown}`);
  }
  return value;
}

function parseWhole(text: string, name: string, shown: string): number {
  if (!/^\d+$/.test(text)) throw new InvalidRedisUrlError(`url ${name} must be a whole number, got ${JSON.stringify(text)}: ${shown}`);
  return Number(text);
}

function decode(text: string, name: string, shown: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    throw new InvalidRedisUrlError(`url ${name} is not valid percent-encoding: ${shown}`);
  }
}
