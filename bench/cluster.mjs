// Cluster section of `pnpm bench`: SET/GET throughput on a 3-master Redis Cluster this script starts on free
// loopback ports, at 16 and 256 concurrent callers, for @pool/redis' ClusterPool (16 cluster clients) against one
// ioredis Cluster client used directly, with and without auto-pipelining. Prints what it measured and writes
// bench/results/cluster.json. Not a test: nothing here passes or fails the build.
//
//   node --expose-gc bench/cluster.mjs [--ops 20000] [--rounds 7]
//
// The callers of a round share one remaining-operations counter; the contenders run in a rotated order each round.
// Target: ClusterPool multiplexed >= 1.0x ioredis' own Cluster client.

import { mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Cluster } from 'ioredis';
import { createClusterPool } from '../packages/redis/dist/index.mjs';
import { startCluster } from './redis-servers.mjs';
import { formatOps, formatRatio, machineInfo, packageVersion, parseArgs, printAligned, runCallers, runRounds, spread, summarizeRounds, WARMUP_MIN_MS, WARMUP_ROUNDS } from './measure.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const MASTERS = 3;
const POOL_SIZE = 16;
const CALLER_COUNTS = [16, 256];
const args = parseArgs(process.argv.slice(2));
const OPS_PER_ROUND = args.ops ?? 20_000;
const ROUNDS = Math.max(7, args.rounds ?? 7);
const KEYSPACE = 1000;
const TARGET_MULTIPLEXED_OVER_CLUSTER = 1;
const VALUE = 'xxx';
const KEYS = Array.from({ length: KEYSPACE }, (_, i) => `bench:key:${i}`);

// ---- the contenders: open(seeds) gives { set(key, value), get(key), close() } -----------------------------------

function clusterPool(multiplex) {
  return async (seeds) => {
    const cluster = createClusterPool({ seeds, size: POOL_SIZE, acquireTimeoutMs: Infinity, encoding: 'utf8', multiplex });
    return { set: (key, value) => cluster.execute('SET', key, value), get: (key) => cluster.execute('GET', key), close: () => cluster.close() };
  };
}

function ioredisCluster(enableAutoPipelining) {
  return async (seeds) => {
    const client = new Cluster(
      seeds.map((seed) => ({ host: seed.split(':')[0], port: Number(seed.split(':')[1]) })),
      { lazyConnect: true, enableAutoPipelining },
    );
    await client.connect();
    return { set: (key, value) => client.set(key, value), get: (key) => client.get(key), close: async () => client.disconnect() };
  };
}

const CONTENDERS = [
  { key: 'clusterPool', name: `ClusterPool (size ${POOL_SIZE})`, open: clusterPool(false) },
  { key: 'clusterPoolMultiplexed', name: `ClusterPool multiplexed (size ${POOL_SIZE})`, open: clusterPool(true) },
  { key: 'ioredisCluster', name: `ioredis ${packageVersion('ioredis')} Cluster`, open: ioredisCluster(false) },
  { key: 'ioredisClusterAutoPipelining', name: `ioredis ${packageVersion('ioredis')} Cluster auto-pipelining`, open: ioredisCluster(true) },
];

// ---- measuring --------------------------------------------------------------------------------------------------

async function round(client, callers, ops, cluster) {
  const serverCpuStart = cluster.cpuSeconds();
  const measured = await runCallers(callers, ops, async (counter) => {
    while (counter.left > 0) {
      counter.left -= 2;
      await client.set(KEYS[(Math.random() * KEYSPACE) | 0], VALUE);
      await client.get(KEYS[(Math.random() * KEYSPACE) | 0]);
    }
  });
  return { ...measured, serverCpuShare: (cluster.cpuSeconds() - serverCpuStart) / measured.seconds };
}

async function runScenario(callers, cluster) {
  const rounds = await runRounds({
    contenders: CONTENDERS,
    rounds: ROUNDS,
    open: (contender) => contender.open(cluster.seeds),
    warmUp: (client) => round(client, callers, OPS_PER_ROUND / 4, cluster),
    measure: (contender, client) => round(client, callers, OPS_PER_ROUND, cluster),
  });
  const results = summarizeRounds(CONTENDERS, rounds);
  const indexOf = (key) => CONTENDERS.findIndex((c) => c.key === key);
  const ratio = (of, over, target) => {
    const value = results[of].medianOpsPerSec / results[over].medianOpsPerSec;
    return {
      of,
      over,
      ratio: value,
      cpuRatio: results[of].medianOpsPerCpuSec / results[over].medianOpsPerCpuSec,
      roundRange: spread(rounds[indexOf(of)].map((m, r) => m.wall / rounds[indexOf(over)][r].wall)),
      ...(target === undefined ? {} : { target, pass: value >= target }),
    };
  };
  return {
    callers,
    results,
    ratios: {
      multiplexedOverIoredisCluster: ratio('clusterPoolMultiplexed', 'ioredisCluster', TARGET_MULTIPLEXED_OVER_CLUSTER),
      multiplexedOverAutoPipelining: ratio('clusterPoolMultiplexed', 'ioredisClusterAutoPipelining'),
      exclusiveOverIoredisCluster: ratio('clusterPool', 'ioredisCluster'),
    },
  };
}

// ---- main -------------------------------------------------------------------------------------------------------

const machine = machineInfo();
console.log(`cluster: SET/GET throughput on ${MASTERS} masters, ${OPS_PER_ROUND.toLocaleString('en-US')} ops/round (random keys of ${KEYSPACE}, ${VALUE.length}-byte values),`);
console.log(`         ${WARMUP_ROUNDS}+ warm-up rounds (>= ${WARMUP_MIN_MS} ms) + ${ROUNDS} interleaved rounds, median ops/s`);
console.log(`         ${machine.cpu} x${machine.cores}, node ${machine.node}, ${machine.platform}, ${machine.redisServer}, ${machine.date}`);
console.log(`         load average (1 min) at start: ${machine.loadAverage1m.toFixed(2)}${machine.loadAverage1m > machine.cores / 2 ? ' (busy machine: expect noisy numbers)' : ''}\n`);

const cluster = await startCluster(MASTERS);
const scenarios = [];
try {
  for (const callers of CALLER_COUNTS) {
    process.stdout.write(`  running ${callers} callers...\n`);
    scenarios.push(await runScenario(callers, cluster));
  }
} finally {
  await cluster.stop();
}
machine.loadAverage1mAtEnd = os.loadavg()[0];

const name = (key) => CONTENDERS.find((c) => c.key === key).name;
console.log('\nMedian commands/s (min-max of the rounds):');
printAligned([
  ['contender', ...scenarios.map((s) => `${s.callers} callers`)],
  ...CONTENDERS.map((c) => [
    c.name,
    ...scenarios.map((s) => {
      const r = s.results[c.key];
      return `${formatOps(r.medianOpsPerSec)} (${formatOps(r.minOpsPerSec)}-${formatOps(r.maxOpsPerSec)})`;
    }),
  ]),
]);
console.log('\nRatios of medians (min-max of the per-round ratios), and per CPU-second of this process:');
printAligned([
  ['ratio', ...scenarios.map((s) => `${s.callers} callers`), ...scenarios.map((s) => `cpu, ${s.callers}`)],
  ...Object.keys(scenarios[0].ratios).map((id) => {
    const first = scenarios[0].ratios[id];
    const label = `${name(first.of)} / ${name(first.over)}${first.target === undefined ? '' : ` (target >= ${first.target}x)`}`;
    return [
      label,
      ...scenarios.map((s) => {
        const r = s.ratios[id];
        const verdict = r.target === undefined ? '' : r.pass ? ' PASS' : ' MISS';
        return `${formatRatio(r.ratio)}${verdict} (${r.roundRange.min.toFixed(2)}-${r.roundRange.max.toFixed(2)})`;
      }),
      ...scenarios.map((s) => formatRatio(s.ratios[id].cpuRatio)),
    ];
  }),
]);
console.log(`\nCPU the ${MASTERS} redis-servers used together during the rounds, in cores:`);
printAligned([
  ['contender', ...scenarios.map((s) => `${s.callers} callers`)],
  ...CONTENDERS.map((c) => [c.name, ...scenarios.map((s) => s.results[c.key].medianServerCpuShare.toFixed(2))]),
]);

const resultsDir = join(here, 'results');
mkdirSync(resultsDir, { recursive: true });
const output = {
  section: 'cluster',
  machine,
  config: { masters: MASTERS, poolSize: POOL_SIZE, callerCounts: CALLER_COUNTS, opsPerRound: OPS_PER_ROUND, rounds: ROUNDS, warmupRounds: WARMUP_ROUNDS, warmupMinMs: WARMUP_MIN_MS, keyspace: KEYSPACE, valueBytes: VALUE.length },
  contenders: CONTENDERS.map(({ key, name }) => ({ key, name })),
  targets: { multiplexedOverIoredisCluster: TARGET_MULTIPLEXED_OVER_CLUSTER },
  scenarios,
};
writeFileSync(join(resultsDir, 'cluster.json'), `${JSON.stringify(output, null, 2)}\n`);
console.log(`\nwrote ${join('bench', 'results', 'cluster.json')}`);
