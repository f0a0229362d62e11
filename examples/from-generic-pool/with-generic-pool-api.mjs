// The program on @pool/core through generic-pool's API: with-generic-pool.mjs with one changed line, the import.
import { createPool } from '@pool/core/generic-pool'; // MIGRATION: import (the only change)
import { connectionFactory } from './factory.mjs';

const pool = createPool(connectionFactory(), {
  max: 2, // MIGRATION: options
  acquireTimeoutMillis: 1_000,
  testOnBorrow: true,
});
const isAcquireTimeout = (error) => error.name === 'TimeoutError'; // MIGRATION: error check
const shutDown = async () => {
  await pool.drain(); // MIGRATION: shutdown
  await pool.clear();
};

// ---- from here on, the same in both files -------------------------------------------------------------------
const answers = await Promise.all(
  ['SELECT 1', 'SELECT 2', 'SELECT 3', 'SELECT 4'].map((sql) => pool.use((connection) => connection.query(sql))),
);
console.log(`use: ${answers.join('; ')}`);

const connection = await pool.acquire();
try {
  console.log(`acquire: ${await connection.query('SELECT now()')}`);
} finally {
  await pool.release(connection);
}

const [first, second] = await Promise.all([pool.acquire(), pool.acquire()]);
try {
  await pool.acquire();
} catch (error) {
  if (!isAcquireTimeout(error)) throw error;
  console.log('full pool: the third acquire timed out after 1 s');
}
await pool.release(first);
await pool.release(second);

await shutDown();
console.log('closed');
