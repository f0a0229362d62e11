// The demo's Redis backend, on @pool/redis.
import * as poolRedis from '@pool/redis';

/**
 * @param {{ url: string }} target
 * @param {import('@pool/core').PoolOptions} poolOptions
 * @returns {Promise<import('./tour.mjs').Backend | undefined>} undefined when @pool/redis has no createRedisPool
 */
export async function createRedisBackend(target, poolOptions) {
  if (!('createRedisPool' in poolRedis)) return undefined;
  throw new Error('TODO wire once @pool/redis exports createRedisPool');
}
