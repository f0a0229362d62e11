// generic-pool 3 around ioredis connections, the way its users write it: the peer of @pool/redis' exclusive mode in
// bench/redis.mjs and bench/profile-redis.mjs.

import genericPool from 'generic-pool';
import { Redis } from 'ioredis';

/** Opens a generic-pool of at most `max` ioredis connections to `127.0.0.1:port`; `run(work)` leases one. */
export function createGenericPoolIoredis(port, max) {
  const pool = genericPool.createPool(
    {
      create: async () => {
        const connection = new Redis({ host: '127.0.0.1', port, lazyConnect: true });
        await connection.connect();
        return connection;
      },
      destroy: async (connection) => connection.disconnect(),
    },
    { max, min: 0 },
  );
  return {
    async run(work) {
      const connection = await pool.acquire();
      try {
        return await work(connection);
      } finally {
        await pool.release(connection);
      }
    },
    async close() {
      await pool.drain();
      await pool.clear();
    },
  };
}
