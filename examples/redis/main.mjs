// @pool/redis on a live Redis: one-off commands, a transaction on a leased connection (MULTI/EXEC, WATCH), pub/sub,
// resizing at runtime, bulk mode and stats. Uses REDIS_URL, else 127.0.0.1:6379. Every key lives under a prefix
// unique to this run and is deleted at the end; nothing else on the server is touched.
// Run: node examples/redis/main.mjs
import { createRedisPool } from '@pool/redis';

const url = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const prefix = `example:${process.pid}:${Date.now().toString(36)}:`;
/** A key of this run. */
const key = (name) => `${prefix}${name}`;

// utf8: replies as strings (the default, `encoding: null`, gives Buffers). Waiting up to 5 s for a connection instead
// of failing fast keeps a busy machine from failing a step that must succeed.
const redis = createRedisPool({ url, encoding: 'utf8', size: 4, acquireTimeoutMs: 5_000, connTimeoutMs: 5_000, readTimeoutMs: 5_000 });
const target = new URL(url);
console.log(`Redis at ${target.hostname}:${target.port || 6379}, keys under ${prefix}`);

let failure;
try {
  await oneOffCommands();
  await transactions();
  await bulkMode();
  await pubSub();
  await resizing();
  showStats();
} catch (error) {
  failure = error;
}
// Whatever happened above: delete this run's keys, then close the pool (it waits for every connection to close).
try {
  const deleted = await redis.execute('DEL', ...['greeting', 'visits', 'balance', 'bulk'].map(key));
  console.log(`cleanup: deleted ${deleted} keys`);
} catch (error) {
  failure ??= error;
} finally {
  await redis.close();
}
const { created, destroyed } = redis.stats();
console.log(`closed: created ${created}, destroyed ${destroyed}`);
if (failure !== undefined) {
  // Typed errors carry a stable code: REDIS_CONNECTION when nothing answers at REDIS_URL, for instance.
  console.error(`failed: ${failure.code ?? failure.name}: ${failure.message}`);
  process.exitCode = 1;
}

/** `execute` leases a connection for one command and gives it back. */
async function oneOffCommands() {
  await redis.execute('SET', key('greeting'), 'hello');
  console.log(`execute: GET greeting -> ${await redis.execute('GET', key('greeting'))}`);
  await redis.execute('SET', key('visits'), 41);
  console.log(`execute: INCR visits -> ${await redis.execute('INCR', key('visits'))}`);
}

/** MULTI/EXEC and WATCH must run on one connection: `use()` and `lease()` hold one for the whole block. */
async function transactions() {
  const results = await redis.use((connection) => connection.multi().set(key('balance'), 100).decrby(key('balance'), 30).exec());
  console.log(`MULTI/EXEC via use(): ${JSON.stringify(results)}`);

  // Optimistic locking: WATCH the key, read it, and queue the write. If another connection changes the key in
  // between, EXEC does nothing and returns null; read again and retry.
  const lease = await redis.lease();
  try {
    const connection = lease.resource;
    await connection.watch(key('balance'));
    const seen = Number(await connection.get(key('balance')));
    await redis.execute('INCRBY', key('balance'), 5); // another connection of the pool changes the watched key
    const aborted = await connection.multi().set(key('balance'), seen - 20).exec();
    console.log(`WATCH on a lease: balance changed after it was read (${seen}), EXEC -> ${JSON.stringify(aborted)}`);
    await connection.watch(key('balance'));
    const reread = Number(await connection.get(key('balance')));
    const committed = await connection.multi().set(key('balance'), reread - 20).exec();
    console.log(`WATCH retry: read ${reread}, EXEC -> ${JSON.stringify(committed)}, balance now ${await connection.get(key('balance'))}`);
  } finally {
    await lease.release();
  }
}

/** `bulk` pipelines many commands on one connection; each result is its reply or its own error. */
async function bulkMode() {
  const commands = [
    ['SET', key('bulk'), '1'],
    ['INCR', key('bulk')],
    ['HGET', key('bulk'), 'field'], // a string is not a hash: WRONGTYPE, for this command only
    ['INCRBY', key('bulk'), 10],
  ];
  const results = await redis.bulk(commands);
  results.forEach((result, index) => {
    const name = commands[index][0];
    const outcome = result.ok ? `-> ${result.value}` : `failed: ${result.error.code} (${result.error.message})`;
    console.log(`bulk ${index + 1}/${commands.length}: ${name} ${outcome}`);
  });
}

/** A subscriber has a connection of its own, outside the pool; `publish` goes through the pool. */
async function pubSub() {
  const channel = key('news');
  const subscriber = await redis.subscriber();
  try {
    await subscriber.subscribe(channel); // resolves once the server confirmed it: nothing published later is missed
    const receivers = await redis.publish(channel, 'hello subscribers');
    console.log(`pub/sub: PUBLISH reached ${receivers} subscriber(s)`);
    for await (const { channel: from, message } of subscriber) {
      console.log(`pub/sub: received "${message}" on ${from === channel ? 'our channel' : from}`);
      break;
    }
  } finally {
    await subscriber.close();
  }
  console.log(`pub/sub: subscriber closed: ${subscriber.isClosed}`);
}

/** `resize(n)` (or `redis.size = n`) changes the limit while the pool runs. */
async function resizing() {
  await holdAtOnce(redis.size); // open as many connections as the pool allows, then give them back
  console.log(`before resize: ${describe(redis.stats())}`);
  await redis.resize(2); // closes the surplus idle connections before it resolves
  console.log(`after resize(2): ${describe(redis.stats())}`);
  redis.size = 6; // grows lazily: new connections are made when callers need them
  console.log(`after size = 6: ${describe(redis.stats())}`);
  await holdAtOnce(6);
  console.log(`after 6 callers at once: ${describe(redis.stats())}`);
}

/** `stats()`: the pool's occupancy and counters, plus the multiplexer's (zeros here: exclusive mode). */
function showStats() {
  const stats = redis.stats();
  console.log(`stats: ${describe(stats)}, creating ${stats.creating}, waiting ${stats.waiting}`);
  console.log(`stats: acquired ${stats.acquired}, released ${stats.released}, timeouts ${stats.timeouts}`);
  console.log(`stats: createErrors ${stats.createErrors}, destroyErrors ${stats.destroyErrors}, validationFailures ${stats.validationFailures}`);
  console.log(`stats: multiplexConnections ${stats.multiplexConnections}, multiplexInFlight ${stats.multiplexInFlight}`);
}

/** Leases `count` connections at the same time, runs PING on each and releases them. */
async function holdAtOnce(count) {
  const outcomes = await Promise.allSettled(Array.from({ length: count }, () => redis.lease()));
  const leases = outcomes.filter((outcome) => outcome.status === 'fulfilled').map((outcome) => outcome.value);
  try {
    const failed = outcomes.find((outcome) => outcome.status === 'rejected');
    if (failed !== undefined) throw failed.reason;
    await Promise.all(leases.map((lease) => lease.resource.ping()));
  } finally {
    // Every lease goes back, also when another failed: close() waits for connections still held.
    await Promise.all(leases.map((lease) => lease.release()));
  }
}

/** One line of occupancy and counters. */
function describe({ size, idle, inUse, created, destroyed }) {
  return `size ${size}, idle ${idle}, in use ${inUse}, created ${created}, destroyed ${destroyed}`;
}
