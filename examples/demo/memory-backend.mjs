// The demo's default backend: the in-memory connections of examples/in-memory, no server needed.
import { createPool } from '@pool/core';
import { memoryConnectionFactory } from '../in-memory/memory-connection.mjs';

/**
 * @param {import('@pool/core').PoolOptions} poolOptions
 * @returns {import('./tour.mjs').Backend}
 */
export function createMemoryBackend(poolOptions) {
  const pool = createPool(memoryConnectionFactory(new Map(), { connectDelayMs: 20 }), poolOptions);
  // A socket keeps Node running while a caller waits for a connection; these in-process connections hold no
  // handle and the pool's own timers are unref()'d, so this timer keeps the process up until close().
  const keepAlive = setInterval(() => {}, 60_000);
  return {
    pool,
    execute: (name, ...args) => pool.use((connection) => connection.command(name, ...args)),
    executeCall: (name, ...args) => `await pool.use((connection) => connection.command(${[name, ...args].map(quote).join(', ')}))`,
    command: (connection, name, ...args) => connection.command(name, ...args),
    breakConnection: (connection) => connection.breakNow(),
    close: async () => {
      await pool.close();
      clearInterval(keepAlive);
    },
  };
}

const quote = (value) => `'${value}'`;
