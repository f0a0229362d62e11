// Redis section of `pnpm bench`: SET/GET throughput against a redis-server this script starts on a free loopback
// port, at 1, 16 and 256 concurrent callers with 16 connections, for @pool/redis (exclusive and multiplexed),
// generic-pool wrapping ioredis, node-redis' client pool, one ioredis connection with and without auto-pipelining,
// and `redis-benchmark -c 16 -P 1` (every scenario) and `-c 256 -P 1` (256 callers) as the references. The callers
// of a round share one remaining-operations counter; the contenders run in a rotated order each round. Prints what
// it measured and writes bench/results/redis.json. Not a test: nothing here passes or fails the build.
//
//   node --expose-gc bench/redis.mjs [--ops 20000] [--rounds 7] [--benchmark-requests 100000]

import { spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createGenericPoolIoredis } from './generic-pool-ioredis.mjs';
import { Redis } from 'ioredis';
import { createClientPool } from 'redis';
import { createRedisPool } from '../packages/redis/dist/index.mjs';
import { startServer } from './redis-servers.mjs';
import { formatOps, formatRatio, machineInfo, packageVersion, parseArgs, printAligned, runCallers, runRounds, spread, summarizeRounds, WARMUP_MIN_MS, WARMUP_ROUNDS } from './measure.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const CONNECTIONS = 16;
const CALLER_COUNTS = [1, 16, 256];
const args = parseArgs(process.argv.slice(2));
const OPS_PER_ROUND = args.ops ?? 20_000;
const ROUNDS = Math.max(7, args.rounds ?? 7);
const BENCHMARK_REQUESTS = args['benchmark-requests'] ?? 100_000;
const KEYSPACE = 1000;
const VALUE = 'xxx'; // redis-benchmark's default payload: 3 bytes
const KEYS = Array.from({ length: KEYSPACE }, (_, i) => `bench:key:${i}`);

/** The targets: [numerator, denominator, ratio, caller counts it applies to]. */
const TARGETS = [
  { id: 'exclusiveOverGenericPool', of: 'poolExclusive', over: 'genericPool', target: 1.5, callers: [16, 256] },
  { id: 'exclusiveOverNodeRedisPool', of: 'poolExclusive', over: 'nodeRedisPool', target: 2, callers: [16, 256] },
  { id: 'multiplexedOverRedisBenchmark16', of: 'poolMultiplexed', over: 'redisBenchmark', target: 1, callers: [16] },
  { id: 'multiplexedOverRedisBenchmark256', of: 'poolMultiplexed', over: 'redisBenchmark', target: 2, callers: [256] },
];

// ---- the contenders: open(port) gives { set(key, value), get(key), close() } ------------------------------------

function poolRedis(multiplex) {
  return async (port) => {
    const redis = createRedisPool({ host: '127.0.0.1', port, size: CONNECTIONS, acquireTimeoutMs: Infinity, multiplex, encoding: 'utf8' });
    return { set: (key, value) => redis.execute('SET', key, value), get: (key) => redis.execute('GET', key), close: () => redis.close() };
  };
}

async function genericPoolIoredis(port) {
  const pool = createGenericPoolIoredis(port, CONNECTIONS);
  return {
    set: (key, value) => pool.run((connection) => connection.set(key, value)),
    get: (key) => pool.run((connection) => connection.get(key)),
    close: () => pool.close(),
  };
}

async function nodeRedisPool(port) {
  // acquireTimeout 0: wait for a client as long as it takes (the other pools wait too).
  const pool = createClientPool({ url: `redis://127.0.0.1:${port}` }, { minimum: CONNECTIONS, maximum: CONNECTIONS, acquireTimeout: 0 });
  await pool.connect();
  return { set: (key, value) => pool.set(key, value), get: (key) => pool.get(key), close: () => pool.close() };
}

function singleIoredis(enableAutoPipelining) {
  return async (port) => {
    const connection = new Redis({ host: '127.0.0.1', port, lazyConnect: true, enableAutoPipelining });
    await connection.connect();
    return { set: (key, value) => connection.set(key, value), get: (key) => connection.get(key), close: async () => connection.disconnect() };
  };
}

const CONTENDERS = [
  { key: 'poolExclusive', name: '@pool/redis exclusive', open: poolRedis(false) },
  { key: 'poolMultiplexed', name: '@pool/redis multiplexed', open: poolRedis(true) },
  { key: 'genericPool', name: `generic-pool ${packageVersion('generic-pool')} + ioredis ${packageVersion('ioredis')}`, open: genericPoolIoredis },
  { key: 'nodeRedisPool', name: `node-redis ${packageVersion('redis')} client pool`, open: nodeRedisPool },
  { key: 'ioredis', name: `ioredis ${packageVersion('ioredis')}, 1 connection`, open: singleIoredis(false) },
  { key: 'ioredisAutoPipelining', name: `ioredis ${packageVersion('ioredis')} auto-pipelining`, open: singleIoredis(true) },
  { key: 'redisBenchmark', name: 'redis-benchmark -c 16 -P 1', external: 16 },
  { key: 'redisBenchmark256', name: 'redis-benchmark -c 256 -P 1', external: 256, callers: [256] },
];

/** The contenders that run in a scenario with `callers` callers. */
const contendersFor = (callers) => CONTENDERS.filter((c) => c.callers === undefined || c.callers.includes(callers));

// ---- measuring --------------------------------------------------------------------------------------------------

/** One round of a Node contender: `callers` loops sharing the ops, each op a SET or GET on a random key. */
async function nodeRound(client, callers, ops, server) {
  const serverCpuStart = server.cpuSeconds();
  const measured = await runCallers(callers, ops, async (counter) => {
    while (counter.left > 0) {
      counter.left -= 2;
      await client.set(KEYS[(Math.random() * KEYSPACE) | 0], VALUE);
      await client.get(KEYS[(Math.random() * KEYSPACE) | 0]);
    }
  });
  return { ...measured, serverCpuShare: (server.cpuSeconds() - serverCpuStart) / measured.seconds };
}

/** One run of `redis-benchmark -c <clients> -P 1 -t set,get -q`: mean of its SET and GET requests/s, and per CPU-second. */
function benchmarkRound(server, clients) {
  const serverCpuStart = server.cpuSeconds();
  const start = process.hrtime.bigint();
  const command = `redis-benchmark -h 127.0.0.1 -p ${server.port} -c ${clients} -P 1 -t set,get -n ${BENCHMARK_REQUESTS} -q; times`;
  const result = spawnSync('bash', ['-c', command], { encoding: 'utf8' });
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  const lines = result.stdout.split(/[\r\n]+/);
  const rate = (test) => Number(lines.find((line) => line.startsWith(`${test}: `) && line.includes('requests per second'))?.split(' ')[1]);
  const wall = (rate('SET') + rate('GET')) / 2;
  if (!Number.isFinite(wall)) throw new Error(`could not parse redis-benchmark output: ${result.stdout.slice(-300)} ${result.stderr}`);
  // `times` prints the shell's own times, then its children's: "0m1.234s 0m0.567s".
  const children = lines.filter((line) => /^\d+m[\d.]+s \d+m[\d.]+s$/.test(line)).at(-1) ?? '';
  const cpuSeconds = children.split(' ').reduce((sum, part) => {
    const [minutes, secs] = part.replace('s', '').split('m');
    return sum + Number(minutes) * 60 + Number(secs);
  }, 0);
  return { wall, cpu: (2 * BENCHMARK_REQUESTS) / cpuSeconds, serverCpuShare: (server.cpuSeconds() - serverCpuStart) / seconds };
}

/** Every contender opened and warmed up, then ROUNDS rounds each, the order rotated every round. */
async function runScenario(callers, server) {
  // One caller is latency-bound and slow; a quarter of the ops keeps its rounds as long as the others'.
  const ops = callers === 1 ? OPS_PER_ROUND / 4 : OPS_PER_ROUND;
  const contenders = contendersFor(callers);
  const rounds = await runRounds({
    contenders,
    rounds: ROUNDS,
    open: async (contender) => (contender.external ? undefined : contender.open(server.port)),
    warmUp: (client) => nodeRound(client, callers, ops / 4, server),
    measure: (contender, client) => (contender.external ? benchmarkRound(server, contender.external) : nodeRound(client, callers, ops, server)),
  });
  const results = summarizeRounds(contenders, rounds);
  const reference = results.redisBenchmark.medianOpsPerSec;
  const overReference = Object.fromEntries(contenders.map((c) => [c.key, results[c.key].medianOpsPerSec / reference]));
  const indexOf = Object.fromEntries(contenders.map((c, i) => [c.key, i]));
  const targets = {};
  for (const t of TARGETS.filter((candidate) => candidate.callers.includes(callers))) {
    const ratio = results[t.of].medianOpsPerSec / results[t.over].medianOpsPerSec;
    const perRound = rounds[indexOf[t.of]].map((r, round) => r.wall / rounds[indexOf[t.over]][round].wall);
    targets[t.id] = { of: t.of, over: t.over, target: t.target, ratio, pass: ratio >= t.target, roundRange: spread(perRound) };
  }
  return { callers, opsPerRound: ops, results, overReference, targets };
}

// ---- output -----------------------------------------------------------------------------------------------------

/** One row per contender, one column per scenario (a contender missing from a scenario shows a dash). */
function printByContender(title, scenarios, cell) {
  console.log(title);
  const rows = CONTENDERS.map((c) => [c.name, ...scenarios.map((s) => (s.results[c.key] === undefined ? '-' : cell(s, c.key)))]);
  printAligned([['contender', ...scenarios.map((s) => `${s.callers} caller${s.callers === 1 ? '' : 's'}`)], ...rows]);
}

function printScenarios(scenarios) {
  const range = (r) => `${formatOps(r.minOpsPerSec)}-${formatOps(r.maxOpsPerSec)}`;
  printByContender('Median commands/s (min-max of the rounds):', scenarios, (s, key) => `${formatOps(s.results[key].medianOpsPerSec)} (${range(s.results[key])})`);
  printByContender('\nRatio to redis-benchmark -c 16 -P 1 (same scenario, wall-clock medians):', scenarios, (s, key) => formatRatio(s.overReference[key]));
  printByContender('\nCommands per CPU-second of the client process (this Node process; redis-benchmark: its own CPU):', scenarios, (s, key) =>
    formatOps(s.results[key].medianOpsPerCpuSec),
  );
  printByContender('\nShare of one core the redis-server used during the rounds (1.00 = the server was the bottleneck):', scenarios, (s, key) =>
    s.results[key].medianServerCpuShare.toFixed(2),
  );
}

function printTargets(scenarios) {
  const name = (key) => CONTENDERS.find((c) => c.key === key).name;
  for (const s of scenarios) {
    for (const t of Object.values(s.targets)) {
      console.log(
        `  ${String(s.callers).padStart(3)} callers: ${name(t.of)} / ${name(t.over)} = ${formatRatio(t.ratio)} ` +
          `(target >= ${t.target}x) ${t.pass ? 'PASS' : 'MISS'}  (rounds ${t.roundRange.min.toFixed(2)}-${t.roundRange.max.toFixed(2)})`,
      );
    }
  }
}

// ---- main -------------------------------------------------------------------------------------------------------

const machine = machineInfo();
console.log(`redis: SET/GET throughput, ${CONNECTIONS} connections, ${OPS_PER_ROUND.toLocaleString('en-US')} ops/round (1 caller: a quarter) (random keys of ${KEYSPACE}, ${VALUE.length}-byte values),`);
console.log(`       ${WARMUP_ROUNDS}+ warm-up rounds (>= ${WARMUP_MIN_MS} ms) + ${ROUNDS} interleaved rounds, median ops/s; redis-benchmark -n ${BENCHMARK_REQUESTS} each round`);
console.log(`       ${machine.cpu} x${machine.cores}, node ${machine.node}, ${machine.platform}, ${machine.redisServer}, ${machine.date}`);
console.log(`       load average (1 min) at start: ${machine.loadAverage1m.toFixed(2)}${machine.loadAverage1m > machine.cores / 2 ? ' (busy machine: expect noisy numbers)' : ''}\n`);

const server = await startServer();
const scenarios = [];
try {
  for (const callers of CALLER_COUNTS) {
    process.stdout.write(`  running ${callers} caller(s)...\n`);
    scenarios.push(await runScenario(callers, server));
  }
} finally {
  await server.stop();
}
machine.loadAverage1mAtEnd = os.loadavg()[0];
console.log('');
printScenarios(scenarios);
console.log('\nTargets (ratio of wall-clock medians, and the range of per-round ratios):');
printTargets(scenarios);

const resultsDir = join(here, 'results');
mkdirSync(resultsDir, { recursive: true });
const output = {
  section: 'redis',
  machine,
  config: {
    connections: CONNECTIONS,
    callerCounts: CALLER_COUNTS,
    opsPerRound: OPS_PER_ROUND,
    rounds: ROUNDS,
    warmupRounds: WARMUP_ROUNDS,
    warmupMinMs: WARMUP_MIN_MS,
    keyspace: KEYSPACE,
    valueBytes: VALUE.length,
    redisBenchmark: `redis-benchmark -c 16|256 -P 1 -t set,get -n ${BENCHMARK_REQUESTS} -q`,
  },
  contenders: CONTENDERS.map(({ key, name, callers }) => ({ key, name, callers: callers ?? CALLER_COUNTS })),
  targets: TARGETS,
  scenarios,
};
writeFileSync(join(resultsDir, 'redis.json'), `${JSON.stringify(output, null, 2)}\n`);
console.log(`\nwrote ${join('bench', 'results', 'redis.json')}`);
