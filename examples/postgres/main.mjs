// @pool/core over PostgreSQL with `pg`: sessions, a transaction on one leased client, and what happens when the
// server kills a connection. Needs PostgreSQL on 127.0.0.1:5432, database `test` (PGHOST, PGPORT, PGDATABASE,
// PGUSER, PGPASSWORD override). Uses temporary tables only. Run: node examples/postgres/main.mjs
import { setTimeout as delay } from 'node:timers/promises';
import { createPool } from '@pool/core';
import { pgClientFactory } from './client-factory.mjs';

const config = {
  host: process.env.PGHOST ?? '127.0.0.1',
  port: Number(process.env.PGPORT ?? 5432),
  database: process.env.PGDATABASE ?? 'test',
  user: process.env.PGUSER ?? 'postgres',
  password: process.env.PGPASSWORD,
  connectionTimeoutMillis: 5_000,
};
const factory = pgClientFactory(config);
const pool = createPool(factory, { size: 3, acquireTimeoutMs: 5_000, closeOnError: true });
pool.on('error', (error) => console.log(`pool error: ${error.code}: ${error.message}`));

// One query per use(): any client will do.
const { rows: [version] } = await pool.use((client) => client.query('SHOW server_version'));
console.log(`connected to PostgreSQL ${version.server_version}`);

// A transaction needs one client for all its statements: keep it for the whole block.
const client = await pool.acquire();
try {
  await client.query('CREATE TEMP TABLE pool_example_visits (id serial PRIMARY KEY, page text NOT NULL)');
  await client.query('BEGIN');
  await client.query("INSERT INTO pool_example_visits (page) VALUES ('/'), ('/about'), ('/')");
  await client.query('COMMIT');
  const { rows } = await client.query('SELECT page, count(*)::int AS visits FROM pool_example_visits GROUP BY page ORDER BY page');
  console.log(`transaction committed: ${rows.map((row) => `${row.page}=${row.visits}`).join(', ')}`);
} catch (error) {
  await client.query('ROLLBACK').catch(() => {});
  throw error;
} finally {
  await pool.release(client);
}

// Concurrent queries share the three clients.
const pids = await Promise.all(
  Array.from({ length: 6 }, () => pool.use(async (pooled) => (await pooled.query('SELECT pg_backend_pid() AS pid')).rows[0].pid)),
);
console.log(`6 queries ran on ${new Set(pids).size} server connection(s), never more than the pool size 3`);

// The server kills a held client's connection: the client errors, release drops it, and closeOnError retires the
// other clients too (as after a failover, when every connection to the old server is suspect).
const victim = await pool.acquire();
const killer = await pool.acquire();
const victimPid = (await victim.query('SELECT pg_backend_pid() AS pid')).rows[0].pid;
await killer.query('SELECT pg_terminate_backend($1)', [victimPid]);
await waitUntilGone(killer, victimPid);
await victim.query('SELECT 1').catch((error) => {
  factory.reportError(victim, error);
  console.log(`query on the killed connection failed: ${error.message}`);
});
await pool.release(victim);
await pool.release(killer);
const afterKill = pool.stats();
console.log(`after the kill: idle ${afterKill.idle}, in use ${afterKill.inUse}, destroyed ${afterKill.destroyed} of ${afterKill.created}`);

// The temp table lived in a session that is gone now; a fresh client starts a clean session.
const { rows: [check] } = await pool.use((fresh) => fresh.query("SELECT to_regclass('pg_temp.pool_example_visits') IS NULL AS gone"));
console.log(`fresh client: temp table gone with its session: ${check.gone}`);

await pool.close();
const { created, destroyed, validationFailures } = pool.stats();
console.log(`closed: created ${created}, destroyed ${destroyed}, failed validations ${validationFailures}`);

/** pg_terminate_backend() only signals the backend; poll (bounded) until it has exited. */
async function waitUntilGone(client, pid) {
  for (let attempt = 0; attempt < 250; attempt++) {
    const { rows } = await client.query('SELECT count(*)::int AS alive FROM pg_stat_activity WHERE pid = $1', [pid]);
    if (rows[0].alive === 0) return;
    await delay(20);
  }
  throw new Error(`backend ${pid} still alive`);
}
