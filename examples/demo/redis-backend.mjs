// The demo's Redis backend, on @pool/redis: commands go through `redis.execute`, as in an application; the tour's
// acquire/release/resize steps use the @pool/core pool underneath (`redis.pool`).
import { createRedisPool } from '@pool/redis';

/**
 * @param {{ url: string }} target
 * @param {import('@pool/core').PoolOptions} poolOptions
 * @returns {import('./tour.mjs').Backend<import('ioredis').Redis>}
 */
export function createRedisBackend(target, poolOptions) {
  const redis = createRedisPool({ url: target.url, encoding: 'utf8', connTimeoutMs: 1_000, ...poolOptions });
  return {
    pool: redis.pool,
    execute: (name, ...args) => redis.execute(name, ...args),
    executeCall: (name, ...args) => `await redis.execute(${[name, ...args].map(quote).join(', ')})`,
    // executeOn: a command on a connection the caller holds, with the pool's timeouts and typed errors.
    command: (connection, name, ...args) => redis.executeOn(connection, undefined, name, ...args),
    // What a network cut does: ioredis closes the connection (no reconnect inside a pool), so isBroken sees it.
    breakConnection: (connection) => connection.disconnect(),
    close: () => redis.close(),
  };
}

const quote = (value) => `'${value}'`;
