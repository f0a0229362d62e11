import type { CloseOptions } from '@pool/core';
import type { Redis } from 'ioredis';
import { InvalidRedisOptionError } from '../errors.js';
import { HashPool } from '../hash/hash-pool.js';
import { createWatch, parseSentinelOptions, type SentinelPoolOptions } from './sentinel-options.js';
import { SentinelPool } from './sentinel-pool.js';
import type { SentinelWatch } from './sentinel-watch.js';
import type { NodePool } from '../routing/node-pools.js';

/** Options of {@link createSentinelHashPool}: the sentinel pool options, with master names as buckets. */
export interface SentinelHashPoolOptions extends Omit<SentinelPoolOptions, 'name'> {
  /** The master names, in order; the order decides where keys go (`keySlot(key) % buckets.length`). */
  buckets: readonly string[];
}

/**
 * A hash pool whose buckets are sentinel master names: each bucket is a {@link SentinelPool} that follows its own
 * master through failovers. The sentinels are watched once for all buckets. `on({ node })` takes a master name.
 */
export class SentinelHashPool extends HashPool<Redis> {
  readonly #watch: SentinelWatch;
  readonly #pools: readonly SentinelPool[];

  /**
   * @param buckets - the sentinel pools by master name; @param watch - their shared sentinel watch.
   * @internal Create it with {@link createSentinelHashPool}.
   */
  constructor(buckets: ReadonlyArray<{ readonly name: string; readonly pool: SentinelPool }>, watch: SentinelWatch) {
    super(buckets);
    this.#watch = watch;
    this.#pools = buckets.map((bucket) => bucket.pool);
  }

  /** The sentinel pool of each bucket, in bucket order; each emits `+node` and `-node` as its master changes. */
  get buckets(): readonly SentinelPool[] {
    return this.#pools;
  }

  /**
   * The node pools every bucket has open now (see {@link SentinelPool.nodePools}), in bucket order, each named
   * `<master name>/<role>/<host:port>`. A failover replaces a bucket's: follow each bucket's `+node` event.
   * @example
   * ```ts
   * import { instrumentPool } from '@pool/core/opentelemetry';
   * import type { NodePool } from '@pool/redis';
   *
   * const follow = ({ name, pool }: NodePool): void => void instrumentPool(pool, { name });
   * shards.nodePools().forEach(follow);
   * for (const bucket of shards.buckets) bucket.on('+node', follow);
   * ```
   */
  override nodePools(): NodePool[] {
    return this.#pools.flatMap((bucket) => bucket.nodePools());
  }

  /** Closes every bucket, then the shared sentinel subscriptions. */
  override async close(options?: CloseOptions): Promise<void> {
    try {
      await super.close(options);
    } finally {
      this.#watch.close();
    }
  }
}

/**
 * Creates a {@link SentinelHashPool}.
 * @throws InvalidRedisOptionError (`INVALID_OPTION`)
 * @example
 * ```ts
 * const shards = createSentinelHashPool({ sentinels: ['10.0.0.1:26379'], buckets: ['shard-a', 'shard-b'], size: 8 });
 * await shards.execute('SET', 'user:42', 'Ada');
 * ```
 */
export function createSentinelHashPool(options: SentinelHashPoolOptions): SentinelHashPool {
  if (options === null || typeof options !== 'object') throw new InvalidRedisOptionError('options must be an object');
  const { buckets, ...common } = options;
  if (!Array.isArray(buckets) || buckets.length === 0 || !buckets.every((name: unknown) => typeof name === 'string' && name !== '')) {
    throw new InvalidRedisOptionError('buckets must be a non-empty array of master names');
  }
  if (new Set(buckets).size !== buckets.length) throw new InvalidRedisOptionError('buckets must not repeat a master name');
  if ('name' in common) throw new InvalidRedisOptionError('name is not an option of a sentinel hash pool; list master names in buckets');
  // Checked once, before any connection exists, with the first name standing in for all of them.
  const parsed = parseSentinelOptions({ ...common, name: buckets[0] as string });
  const watch = createWatch(parsed.sentinels, { ...common, name: buckets[0] as string }, parsed.nodeOptions);
  const pools = buckets.map((name: string) => ({ name, pool: new SentinelPool({ ...common, name }, watch) }));
  return new SentinelHashPool(pools, watch);
}
