import { ClusterPool, type ClusterPoolOptions } from '../cluster/cluster-pool.js';
import { InvalidRedisUrlError } from '../errors.js';
import type { RedisPoolOptions } from '../options.js';
import { RedisPool } from '../single/redis-pool.js';
import { createSentinelHashPool, type SentinelHashPool, type SentinelHashPoolOptions } from '../sentinel/sentinel-hash-pool.js';
import type { SentinelPoolOptions } from '../sentinel/sentinel-options.js';
import { SentinelPool } from '../sentinel/sentinel-pool.js';
import { formatHostPort, parseHostPort } from '../routing/targets.js';
import { parseRedisUrl } from '../url.js';

/** What a URL describes, by scheme: the pool kind and the options to create it with. */
export type PoolUrl =
  | {
      /** `redis://` or `rediss://`: a {@link RedisPool}. */
      readonly kind: 'single';
      /** Options for {@link createRedisPool}. */
      readonly options: RedisPoolOptions;
    }
  | {
      /** `cluster://`: a {@link ClusterPool}. */
      readonly kind: 'cluster';
      /** Options for the cluster pool. */
      readonly options: ClusterPoolOptions;
    }
  | {
      /** `sentinel://` with `name`: a {@link SentinelPool}. */
      readonly kind: 'sentinel';
      /** Options for the sentinel pool. */
      readonly options: SentinelPoolOptions;
    }
  | {
      /** `sentinel://` with `buckets`: a {@link SentinelHashPool}. */
      readonly kind: 'sentinel-hash';
      /** Options for the sentinel hash pool. */
      readonly options: SentinelHashPoolOptions;
    };

/** Any pool {@link createPoolFromUrl} makes. All run `execute(command, ...args)` and `close()`. */
export type UrlPool = RedisPool | ClusterPool | SentinelPool | SentinelHashPool;

/** Options that may come from any URL's query, with their types. */
const NUMBER_OPTIONS = new Map<string, 'size' | 'connTimeoutMs' | 'readTimeoutMs' | 'database' | 'retries'>([
  ['size', 'size'],
  ['pool_size', 'size'],
  ['connTimeoutMs', 'connTimeoutMs'],
  ['readTimeoutMs', 'readTimeoutMs'],
  ['database', 'database'],
  ['db', 'database'],
  ['retries', 'retries'],
]);
const ALLOWED: Readonly<Record<'cluster' | 'sentinel', ReadonlySet<string>>> = {
  cluster: new Set(['size', 'connTimeoutMs', 'readTimeoutMs', 'readFromReplicas', 'database']),
  sentinel: new Set(['size', 'connTimeoutMs', 'readTimeoutMs', 'readFromReplicas', 'database', 'retries', 'name', 'buckets', 'sentinelUsername', 'sentinelPassword']),
};
const DEFAULT_PORTS = { cluster: 6379, sentinel: 26_379 } as const;

/**
 * Reads a pool URL (pyredis' `get_by_url`) without connecting anywhere:
 * - `redis://[[user]:password@]host[:port][/db][?options]`, `rediss://...` (TLS): one server;
 * - `cluster://[[user]:password@]h1[:p1],h2[:p2],...[?options]`: Redis Cluster seeds (database must be 0);
 * - `sentinel://[[user]:password@]s1[:p1],s2[:p2],...[/db]?name=master[&options]`: a sentinel pool;
 *   with `buckets=a,b,c` instead of `name`, a sentinel hash pool over those master names.
 *
 * The user info holds the data nodes' credentials; sentinels take `sentinelUsername` / `sentinelPassword` in the
 * query. Query options: `database` (`db`), `size` (`pool_size`), `retries` (sentinel), `connTimeoutMs`,
 * `readTimeoutMs`, `readFromReplicas` (`true`/`false`/`1`/`0`). Ports default to 6379 (26379 for sentinels).
 *
 * @throws InvalidRedisUrlError (`INVALID_URL`) naming what is wrong; no message shows a password or the user info.
 * @example
 * ```ts
 * parsePoolUrl('sentinel://10.0.0.1,10.0.0.2:26380?name=mymaster&readFromReplicas=true');
 * // { kind: 'sentinel', options: { sentinels: ['10.0.0.1:26379', '10.0.0.2:26380'], name: 'mymaster', readFromReplicas: true } }
 * ```
 */
export function parsePoolUrl(url: string): PoolUrl {
  if (typeof url !== 'string') throw new InvalidRedisUrlError(`url must be a string, got ${typeof url}`);
  const scheme = /^([a-z][a-z0-9+.-]*):\/\//i.exec(url)?.[1]?.toLowerCase();
  if (scheme === 'redis' || scheme === 'rediss') return { kind: 'single', options: singleServer(url) };
  if (scheme !== 'cluster' && scheme !== 'sentinel') {
    throw new InvalidRedisUrlError(`url scheme must be redis://, rediss://, cluster:// or sentinel://, got ${scheme === undefined ? 'none' : `${scheme}://`}`);
  }
  const parts = splitUrl(url.slice(scheme.length + 3), scheme);
  return scheme === 'cluster' ? cluster(parts) : sentinel(parts);
}

/**
 * Creates the pool a URL describes (see {@link parsePoolUrl}); `options` add to the URL's, and win over them.
 * @throws InvalidRedisUrlError (`INVALID_URL`), InvalidRedisOptionError (`INVALID_OPTION`)
 * @example
 * ```ts
 * const redis = createPoolFromUrl('cluster://10.0.0.1:7000,10.0.0.2:7000?size=8&readFromReplicas=true', { encoding: 'utf8' });
 * await redis.execute('GET', 'user:42');
 * ```
 */
export function createPoolFromUrl(url: string, options: Omit<RedisPoolOptions, 'host' | 'port' | 'path' | 'url'> = {}): UrlPool {
  const described = parsePoolUrl(url);
  switch (described.kind) {
    case 'single':
      return new RedisPool({ ...options, url });
    case 'cluster':
      return new ClusterPool({ ...described.options, ...options });
    case 'sentinel':
      return new SentinelPool({ ...described.options, ...options });
    case 'sentinel-hash':
      return createSentinelHashPool({ ...described.options, ...options });
  }
}

interface UrlParts {
  readonly username: string | undefined;
  readonly password: string | undefined;
  readonly hosts: string[];
  readonly database: number | undefined;
  readonly query: URLSearchParams;
}

function singleServer(url: string): RedisPoolOptions {
  const authority = url.replace(/^[a-z]+:\/\//i, '').split(/[/?#]/)[0] ?? '';
  if (authority.slice(authority.lastIndexOf('@') + 1).includes(',')) {
    throw new InvalidRedisUrlError('url redis:// and rediss:// take one host; use cluster:// or sentinel:// for a list');
  }
  parseRedisUrl(url);
  return { url };
}

function splitUrl(rest: string, scheme: 'cluster' | 'sentinel'): UrlParts {
  if (rest.includes('#')) throw new InvalidRedisUrlError('url must not have a #fragment');
  const queryAt = rest.indexOf('?');
  const beforeQuery = queryAt === -1 ? rest : rest.slice(0, queryAt);
  const query = new URLSearchParams(queryAt === -1 ? '' : rest.slice(queryAt + 1));
  const at = beforeQuery.lastIndexOf('@');
  const userInfo = at === -1 ? undefined : beforeQuery.slice(0, at);
  const afterUser = beforeQuery.slice(at + 1);
  const slash = afterUser.indexOf('/');
  const hostList = slash === -1 ? afterUser : afterUser.slice(0, slash);
  const path = slash === -1 ? '' : afterUser.slice(slash + 1);
  const { username, password } = splitUserInfo(userInfo);
  return { username, password, hosts: parseHosts(hostList, DEFAULT_PORTS[scheme]), database: parsePath(path), query };
}

function splitUserInfo(userInfo: string | undefined): { username: string | undefined; password: string | undefined } {
  if (userInfo === undefined || userInfo === '') return { username: undefined, password: undefined };
  const colon = userInfo.indexOf(':');
  const username = decode(colon === -1 ? userInfo : userInfo.slice(0, colon), 'user name');
  const password = colon === -1 ? undefined : decode(userInfo.slice(colon + 1), 'password');
  if (password === undefined || password === '') throw new InvalidRedisUrlError('url user info needs a password (user:password@ or :password@)');
  return { username: username === '' ? undefined : username, password };
}

function parseHosts(list: string, defaultPort: number): string[] {
  if (list === '') throw new InvalidRedisUrlError('url has no host list');
  return list.split(',').map((entry, index) => {
    const address = parseHostPort(entry.trim(), defaultPort);
    // The entry is not shown: a URL with a misplaced password would put it here.
    if (address === undefined) throw new InvalidRedisUrlError(`url host ${index + 1} of ${list.split(',').length} must be host[:port] with a port from 1 to 65535`);
    return formatHostPort(address.host, address.port);
  });
}

function parsePath(path: string): number | undefined {
  if (path === '') return undefined;
  if (!/^\d+$/.test(path)) throw new InvalidRedisUrlError(`url path must be a database number, got ${JSON.stringify(path)}`);
  return Number(path);
}

function cluster(parts: UrlParts): PoolUrl {
  const query = readQuery(parts.query, 'cluster');
  const database = query.database ?? parts.database;
  if (database !== undefined && database !== 0) throw new InvalidRedisUrlError(`url cluster:// supports only database 0, got ${database}`);
  const options: ClusterPoolOptions = { seeds: parts.hosts, ...credentials(parts), ...pick(query, ['size', 'connTimeoutMs', 'readTimeoutMs', 'readFromReplicas']) };
  return { kind: 'cluster', options };
}

function sentinel(parts: UrlParts): PoolUrl {
  const query = readQuery(parts.query, 'sentinel');
  const database = query.database ?? parts.database;
  const common = {
    sentinels: parts.hosts,
    ...credentials(parts),
    ...(database === undefined ? {} : { database }),
    ...pick(query, ['size', 'connTimeoutMs', 'readTimeoutMs', 'readFromReplicas', 'retries', 'sentinelUsername', 'sentinelPassword']),
  };
  if (query.name !== undefined && query.buckets !== undefined) throw new InvalidRedisUrlError('url sentinel:// takes name or buckets, not both');
  if (query.buckets !== undefined) {
    const buckets = query.buckets.split(',').map((name) => name.trim());
    if (buckets.some((name) => name === '')) throw new InvalidRedisUrlError('url buckets must be a comma-separated list of master names');
    return { kind: 'sentinel-hash', options: { ...common, buckets } };
  }
  if (query.name === undefined || query.name === '') throw new InvalidRedisUrlError('url sentinel:// needs ?name=<master name> (or ?buckets=a,b)');
  return { kind: 'sentinel', options: { ...common, name: query.name } };
}

interface QueryOptions {
  size?: number;
  connTimeoutMs?: number;
  readTimeoutMs?: number;
  database?: number;
  retries?: number;
  readFromReplicas?: boolean;
  name?: string;
  buckets?: string;
  sentinelUsername?: string;
  sentinelPassword?: string;
}

function readQuery(query: URLSearchParams, scheme: 'cluster' | 'sentinel'): QueryOptions {
  const options: QueryOptions = {};
  const seen = new Set<string>();
  for (const [key, value] of query) {
    const option = NUMBER_OPTIONS.get(key) ?? key;
    // Neither the unknown name nor its value is shown: a password with an unencoded '?' would end up there.
    if (!ALLOWED[scheme].has(option)) {
      throw new InvalidRedisUrlError(`url has a query option ${scheme}:// does not take; it takes ${[...ALLOWED[scheme]].join(', ')} (pool_size and db accepted)`);
    }
    if (seen.has(option)) throw new InvalidRedisUrlError(`url gives ${option} twice`);
    seen.add(option);
    if (option === 'readFromReplicas') options.readFromReplicas = parseBoolean(value);
    else if (option === 'name' || option === 'buckets' || option === 'sentinelUsername' || option === 'sentinelPassword') options[option] = value;
    else options[option as 'size'] = parseWhole(value, option);
  }
  return options;
}

function credentials(parts: UrlParts): { username?: string; password?: string } {
  return {
    ...(parts.username === undefined ? {} : { username: parts.username }),
    ...(parts.password === undefined ? {} : { password: parts.password }),
  };
}

function pick<K extends keyof QueryOptions>(query: QueryOptions, keys: readonly K[]): Pick<QueryOptions, K> {
  const picked: Partial<QueryOptions> = {};
  for (const key of keys) if (query[key] !== undefined) picked[key] = query[key] as never;
  return picked as Pick<QueryOptions, K>;
}

function parseWhole(text: string, name: string): number {
  if (!/^\d+$/.test(text)) throw new InvalidRedisUrlError(`url ${name} must be a whole number, got ${JSON.stringify(text.slice(0, 20))}`);
  return Number(text);
}

function parseBoolean(text: string): boolean {
  if (text === 'true' || text === '1') return true;
  if (text === 'false' || text === '0') return false;
  throw new InvalidRedisUrlError(`url readFromReplicas must be true, false, 1 or 0, got ${JSON.stringify(text.slice(0, 20))}`);
}

function decode(text: string, name: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    throw new InvalidRedisUrlError(`url ${name} is not valid percent-encoding`);
  }
}
