// @pool/core with no server: a pool of in-process "connections" (see memory-connection.mjs).
// Run: node examples/in-memory/main.mjs (after `pnpm build`).
import { createPool, PoolError } from '@pool/core';
import { memoryConnectionFactory } from './memory-connection.mjs';

const store = new Map();
const pool = createPool(memoryConnectionFactory(store), { size: 2, acquireTimeoutMs: 1_000, closeOnError: true });
pool.on('create', (connection) => console.log(`  created connection #${connection.id}`));
pool.on('destroy', (connection) => console.log(`  destroyed connection #${connection.id}`));

// use(): acquire, run, release — even when the function throws.
const visits = await pool.use((connection) => connection.command('INCR', 'visits'));
console.log(`use: INCR visits -> ${visits}`);

// acquire()/release() by hand; the second acquire reuses the idle connection.
const connection = await pool.acquire();
await connection.command('SET', 'greeting', 'hello');
await pool.release(connection);
const again = await pool.acquire();
console.log(`acquire: reused connection #${again.id}: GET greeting -> ${await again.command('GET', 'greeting')}`);

// lease(): a resource with its own release() (and Symbol.asyncDispose, for `await using`).
const lease = await pool.lease();
console.log(`lease: two connections in use, stats ${JSON.stringify(pick(pool.stats(), 'size', 'idle', 'inUse'))}`);

// Full pool: with acquireTimeoutMs the caller waits in a FIFO queue until a release serves it.
const waiting = pool.acquire();
console.log(`wait: a third caller queues (waiting ${pool.stats().waiting})`);
await pool.release(again);
const served = await waiting;
console.log(`wait: served with connection #${served.id} after the release`);

// Fail fast for one call: timeoutMs 0 refuses at once with a typed error.
try {
  await pool.acquire({ timeoutMs: 0 });
} catch (error) {
  if (!(error instanceof PoolError)) throw error;
  console.log(`fail fast: ${error.code} (${error.message})`);
}

// A connection that broke while in use is destroyed on release, and with closeOnError the others are retired.
served.breakNow();
await pool.release(served);
await lease.release();
console.log(`broken: dropped; stats ${JSON.stringify(pick(pool.stats(), 'idle', 'inUse', 'created', 'destroyed'))}`);

// The pool makes fresh connections afterwards.
console.log(`after: GET greeting -> ${await pool.use((fresh) => fresh.command('GET', 'greeting'))}`);

await pool.close();
const { created, destroyed } = pool.stats();
console.log(`closed: created ${created}, destroyed ${destroyed}`);

/** @param {Record<string, number>} stats @param {...string} keys */
function pick(stats, ...keys) {
  return Object.fromEntries(keys.map((key) => [key, stats[key]]));
}
