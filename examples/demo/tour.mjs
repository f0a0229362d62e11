// The demo itself: the same tour on any backend. Each step prints what it does and what the pool answered.
import { PoolError } from '@pool/core';

/**
 * What the tour needs from a backend.
 * @template T
 * @typedef {object} Backend
 * @property {import('@pool/core').Pool<T>} pool the pool under test
 * @property {(name: string, ...args: string[]) => Promise<unknown>} execute runs one command the way a user does:
 *   the pool lends a connection for it and takes it back
 * @property {(name: string, ...args: string[]) => string} executeCall the code of that call, as the user writes it
 * @property {(connection: T, name: string, ...args: string[]) => Promise<unknown>} command runs one command on a
 *   connection the caller holds
 * @property {(connection: T) => void | Promise<void>} breakConnection makes the connection die while held
 * @property {() => Promise<void>} close closes the pool (and anything the backend owns)
 */

/** Pool options of the tour: small, so exhaustion is easy to show. */
export const TOUR_POOL_OPTIONS = { size: 3, acquireTimeoutMs: 0, closeOnError: true };

const startedAt = performance.now();

/** Prints one line, stamped with the time since the demo started. */
export function say(line) {
  const seconds = ((performance.now() - startedAt) / 1000).toFixed(3).padStart(6);
  console.log(`[${seconds}s] ${line}`);
}

/**
 * Runs every step against the backend, then closes it.
 * @template T
 * @param {Backend<T>} backend
 */
export async function runTour(backend) {
  const { pool } = backend;
  const names = new Map();
  const name = (connection) => `#${names.get(connection) ?? '?'}`;
  pool.on('create', (connection) => names.set(connection, names.size + 1));
  pool.on('destroy', (connection) => say(`      (destroyed connection ${name(connection)})`));
  const occupancy = () => {
    const { size, idle, inUse, creating, waiting } = pool.stats();
    return `size ${size}, idle ${idle}, in use ${inUse}, creating ${creating}, waiting ${waiting}`;
  };

  say(`1. execute: one command at a time; the pool (${pool.size} connections, created on demand) lends one for each`);
  await backend.execute('SET', 'pool-demo:greeting', 'hello from the pool');
  say(`   ${backend.executeCall('GET', 'pool-demo:greeting')} -> ${await backend.execute('GET', 'pool-demo:greeting')}`);
  await backend.execute('DEL', 'pool-demo:greeting');
  say(`   ${occupancy()}`);

  say('2. exhaustion: three callers hold all three connections, a fourth executes (acquireTimeoutMs 0 = fail fast)');
  const held = await Promise.all([pool.acquire(), pool.acquire(), pool.acquire()]);
  say(`   holding ${held.map(name).join(', ')}; ${occupancy()}`);
  await backend.execute('PING').catch((error) => sayPoolError(`   ${backend.executeCall('PING')} refused at once`, error));

  say('3. waiting: a caller that accepts to wait (timeoutMs 5000) queues until a release serves it');
  const waitStartedAt = performance.now();
  const waiter = pool.acquire({ timeoutMs: 5_000 });
  say(`   queued; ${occupancy()}`);
  setTimeout(() => void pool.release(held.pop()), 300);
  const served = await waiter;
  say(`   served ${name(served)} after ${Math.round(performance.now() - waitStartedAt)} ms, by a release 300 ms later`);
  held.push(served);
  await pool.acquire({ timeoutMs: 250 }).catch((error) => sayPoolError('   a caller that waits only 250 ms', error));

  say('4. resize at runtime: two callers queue, the pool grows to 5 and serves them at once');
  const queued = [pool.acquire({ timeoutMs: 5_000 }), pool.acquire({ timeoutMs: 5_000 })];
  say(`   before: ${occupancy()}`);
  await pool.resize(5);
  held.push(...(await Promise.all(queued)));
  say(`   after resize(5): ${occupancy()}`);
  await Promise.all(held.splice(0).map((connection) => pool.release(connection)));
  await pool.resize(2);
  say(`   all released, then resize(2) closed the surplus idle ones: ${occupancy()}`);

  say('5. a broken connection: it dies while held; release drops it (isBroken), closeOnError retires the rest');
  const doomed = await pool.acquire();
  const other = await pool.acquire();
  await backend.breakConnection(doomed);
  await backend.command(doomed, 'PING').catch((error) => say(`   ${name(doomed)} is dead: ${error.message}`));
  await pool.release(doomed);
  say(`   released ${name(doomed)}: ${occupancy()}`);
  await pool.release(other);
  say(`   released ${name(other)} (retired by closeOnError): ${occupancy()}`);
  const fresh = await pool.acquire();
  say(`   next acquire makes a fresh connection ${name(fresh)}: PING -> ${await backend.command(fresh, 'PING')}`);
  await pool.release(fresh);

  say('6. stats');
  const stats = pool.stats();
  say(`   ${occupancy()}`);
  say(
    `   created ${stats.created}, destroyed ${stats.destroyed}, acquired ${stats.acquired}, released ${stats.released}, ` +
      `timeouts ${stats.timeouts}, createErrors ${stats.createErrors}, destroyErrors ${stats.destroyErrors}`,
  );
  await backend.close();
  const closed = pool.stats();
  say(`closed: created ${closed.created}, destroyed ${closed.destroyed}: every connection was closed exactly once`);
}

function sayPoolError(prefix, error) {
  if (!(error instanceof PoolError)) throw error;
  say(`${prefix}: ${error.name} ${error.code}: ${error.message}`);
}
