// Renders bench/results/redis.json (and cluster.json, if present) as the "## Benchmark" section of
// packages/redis/README.md.
//
//   node bench/redis-table.mjs            print the section
//   node bench/redis-table.mjs --write    replace (or append) that section in packages/redis/README.md, nothing else

import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const readme = join(here, '..', 'packages', 'redis', 'README.md');
const HEADING = '## Benchmark';
const load = (section) => {
  const file = join(here, 'results', `${section}.json`);
  return existsSync(file) ? JSON.parse(readFileSync(file, 'utf8')) : undefined;
};
const redis = load('redis');
const cluster = load('cluster');
if (redis === undefined) {
  console.error('bench/results/redis.json is missing: run `npx -y pnpm@10.34.8 bench --only redis` first');
  process.exit(2);
}

const ops = (value) => Math.round(value).toLocaleString('en-US');
const short = (value) => (value >= 1e6 ? `${(value / 1e6).toFixed(2)}M` : `${Math.round(value / 1e3)}k`);
const ratio = (value) => `${value.toFixed(2)}×`;
const when = (machine) => `${machine.date.slice(0, 16).replace('T', ' ')} UTC${machine.commit ? ` (commit ${machine.commit})` : ''}`;
const busy = (machine) =>
  ' The machine is shared with other sessions that may build and run test suites at the same time ' +
  `(load average ${machine.loadAverage1m.toFixed(1)} at the start, ${(machine.loadAverage1mAtEnd ?? machine.loadAverage1m).toFixed(1)} ` +
  `at the end, on ${machine.cores} cores): when it is busy single rounds swing widely, so read the medians and the ranges, not one round.`;

const lines = [HEADING, ''];
const { machine, config, scenarios } = redis;
lines.push(
  `Measured ${when(machine)} on ${machine.cpu} (${machine.cores} cores), Node ${machine.node}, ${machine.redisServer}, ` +
    `${machine.platform}, client and server on the same machine over loopback.${busy(machine)}`,
);
lines.push('');
lines.push(
  `Each caller loops \`SET\` then \`GET\` of a ${config.valueBytes}-byte value on random keys out of ${config.keyspace}, ` +
    `awaiting each reply; ${config.connections} connections per pool (waiting mode, no acquire timeout), ` +
    `${config.opsPerRound.toLocaleString('en-US')} commands per round (a quarter with 1 caller), warm-up, then ${config.rounds} ` +
    'rounds with the order rotated each round; the callers of a round share one counter of commands. Cells: median ' +
    'commands/s (slowest–fastest round). `@pool/redis` runs with its defaults ' +
    "(a 2 s read timeout per command) and `encoding: 'utf8'`, like the other clients' string replies. The references are " +
    `\`${config.redisBenchmark}\` against the same server, run once per round (mean of its SET and GET requests/s; ` +
    'it uses one fixed key); `-c 256` only in the 256-caller scenario.',
);
lines.push('');
lines.push('Chart: `bench/results/redis.svg` in the repository.');
lines.push('');
const callerCounts = scenarios.map((s) => s.callers);
lines.push(`| client | ${callerCounts.map((c) => `${c} caller${c === 1 ? '' : 's'}`).join(' | ')} |`);
lines.push(`|---|${callerCounts.map(() => '---:').join('|')}|`);
for (const { key, name } of redis.contenders) {
  const cells = scenarios.map((s) => {
    const r = s.results[key];
    return r === undefined ? '–' : `${ops(r.medianOpsPerSec)} (${short(r.minOpsPerSec)}–${short(r.maxOpsPerSec)}) ${ratio(s.overReference[key])}`;
  });
  lines.push(`| ${name} | ${cells.join(' | ')} |`);
}
lines.push('');
lines.push('Median commands/s (slowest–fastest round), then the ratio to `redis-benchmark -c 16 -P 1` measured in the same rounds.');
lines.push('');
lines.push('The same rounds per CPU-second of the client process (the Node process; for redis-benchmark, its own CPU time):');
lines.push('');
lines.push(`| client | ${callerCounts.map((c) => `${c} caller${c === 1 ? '' : 's'}`).join(' | ')} |`);
lines.push(`|---|${callerCounts.map(() => '---:').join('|')}|`);
for (const { key, name } of redis.contenders) {
  lines.push(`| ${name} | ${scenarios.map((s) => (s.results[key] === undefined ? '–' : ops(s.results[key].medianOpsPerCpuSec))).join(' | ')} |`);
}
lines.push('');
lines.push('Targets (ratio of the wall-clock medians; ✓ met, ✗ missed on this run; in brackets the range of the per-round ratios):');
lines.push('');
const name = (key) => redis.contenders.find((c) => c.key === key).name;
const targetCallers = callerCounts.filter((c) => c !== 1);
lines.push(`| target | ${targetCallers.map((c) => `${c} callers`).join(' | ')} |`);
lines.push(`|---|${targetCallers.map(() => '---:').join('|')}|`);
const targetRows = new Map();
for (const s of scenarios) {
  for (const t of Object.values(s.targets)) {
    const label = `${name(t.of)} ≥ ${t.target}× ${name(t.over)}`;
    if (!targetRows.has(label)) targetRows.set(label, new Map());
    targetRows.get(label).set(s.callers, `${ratio(t.ratio)} ${t.pass ? '✓' : '✗'} (${t.roundRange.min.toFixed(2)}–${t.roundRange.max.toFixed(2)})`);
  }
}
for (const [label, cells] of targetRows) lines.push(`| ${label} | ${targetCallers.map((c) => cells.get(c) ?? '–').join(' | ')} |`);
lines.push('');
if (scenarios.some((s) => Object.values(s.targets).some((t) => !t.pass))) {
  lines.push(
    'Where a target is missed, `bench/results/profile-summaries/README.md` in the repository shows where the time goes. In ' +
      'exclusive mode every command has a connection to itself and so costs one socket write, which generic-pool + ioredis ' +
      'pays too; the pool\'s own code is a few percent of the profile, and both reach about the same commands per ' +
      'CPU-second. Sharing connections is what the multiplexed mode is for.',
  );
  lines.push('');
}

if (cluster !== undefined) {
  lines.push('### Cluster');
  lines.push('');
  lines.push(
    `${cluster.config.masters} masters (no replicas) on the same machine, measured ${when(cluster.machine)}; same loop, ` +
      `${cluster.config.opsPerRound.toLocaleString('en-US')} commands per round, ${cluster.config.rounds} rotated rounds. ` +
      `\`ClusterPool\` holds ${cluster.config.poolSize} ioredis cluster clients and leases one per command (multiplexed: ` +
      'shareable commands share one held client); the others are one ' +
      `ioredis \`Cluster\` client shared by every caller.${busy(cluster.machine)}`,
  );
  lines.push('');
  lines.push('Chart: `bench/results/cluster.svg` in the repository.');
  lines.push('');
  const clusterCallers = cluster.scenarios.map((s) => s.callers);
  lines.push(`| client | ${clusterCallers.map((c) => `${c} callers`).join(' | ')} | ${clusterCallers.map((c) => `${c} callers, per CPU-s`).join(' | ')} |`);
  lines.push(`|---|${[...clusterCallers, ...clusterCallers].map(() => '---:').join('|')}|`);
  for (const { key, name: clientName } of cluster.contenders) {
    const wall = cluster.scenarios.map((s) => {
      const r = s.results[key];
      return `${ops(r.medianOpsPerSec)} (${short(r.minOpsPerSec)}–${short(r.maxOpsPerSec)})`;
    });
    const cpu = cluster.scenarios.map((s) => ops(s.results[key].medianOpsPerCpuSec));
    lines.push(`| ${clientName} | ${wall.join(' | ')} | ${cpu.join(' | ')} |`);
  }
  lines.push('');
  const clusterName = (key) => cluster.contenders.find((c) => c.key === key).name;
  lines.push(`| ratio | ${clusterCallers.map((c) => `${c} callers`).join(' | ')} | ${clusterCallers.map((c) => `${c} callers, per CPU-s`).join(' | ')} |`);
  lines.push(`|---|${[...clusterCallers, ...clusterCallers].map(() => '---:').join('|')}|`);
  for (const id of Object.keys(cluster.scenarios[0].ratios)) {
    const first = cluster.scenarios[0].ratios[id];
    const label = `${clusterName(first.of)} / ${clusterName(first.over)}${first.target === undefined ? '' : ` (target ≥ ${first.target}×)`}`;
    const wall = cluster.scenarios.map((s) => {
      const r = s.ratios[id];
      const verdict = r.target === undefined ? '' : r.pass ? ' ✓' : ' ✗';
      return `${ratio(r.ratio)}${verdict} (${r.roundRange.min.toFixed(2)}–${r.roundRange.max.toFixed(2)})`;
    });
    lines.push(`| ${label} | ${wall.join(' | ')} | ${cluster.scenarios.map((s) => ratio(s.ratios[id].cpuRatio)).join(' | ')} |`);
  }
  lines.push('');
}
lines.push(
  'Reproduce with `npx -y pnpm@10.34.8 bench --only redis` and `npx -y pnpm@10.34.8 bench --only cluster` from the repository root (each starts its own ' +
    'throwaway `redis-server` processes on free loopback ports), then `node bench/redis-chart.mjs` and ' +
    '`node bench/redis-table.mjs --write`. Machines differ; ratios travel better than commands/s.',
);
const section = `${lines.join('\n')}\n`;

if (!process.argv.includes('--write')) {
  process.stdout.write(section);
} else {
  const current = existsSync(readme) ? readFileSync(readme, 'utf8') : '';
  const start = current.search(/^## Benchmark\s*$/m);
  let next;
  if (start === -1) {
    next = current === '' ? section : `${current.replace(/\n*$/, '')}\n\n${section}`;
  } else {
    const rest = current.slice(start + HEADING.length);
    const end = rest.search(/^## /m);
    const after = end === -1 ? '' : `\n${rest.slice(end)}`;
    next = `${current.slice(0, start)}${section}${after}`;
  }
  writeFileSync(readme, next);
  console.log('updated the Benchmark section of packages/redis/README.md');
}
