// The program on @pool/core. Compare with with-generic-pool.mjs: only the lines marked MIGRATION differ.
import { createPool } from '@pool/core'; // MIGRATION: import
import { connectionFactory } from './factory.mjs';

const pool = createPool(connectionFactory(), {
  size: 2, // MIGRATION: options (max -> size, acquireTimeoutMillis -> acquireTimeoutMs; validate always runs)
  acquireTimeoutMs: 1_000, // Without it @pool/core fails fast; generic-pool's default, waiting forever, is Infinity.
});
const isAcquireTimeout = (error) => error.code === 'ACQUIRE_TIMEOUT'; // MIGRATION: error check (a stable code)
const shutDown = () => pool.close(); // MIGRATION: shutdown (drain + clear in one call)

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
