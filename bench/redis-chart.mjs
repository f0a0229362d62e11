// Turns bench/results/<section>.json (section redis or cluster) into bench/results/<section>.svg: median commands/s
// per client with the rounds' min-max, one group per caller count. Plain SVG text, no dependencies.
//
//   node bench/redis-chart.mjs [redis|cluster]     (default: both whose JSON exists)

import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { barChart } from './svg.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const COLORS = ['#2563eb', '#60a5fa', '#f59e0b', '#ef4444', '#10b981', '#059669', '#9ca3af', '#4b5563'];
const TITLES = {
  redis: 'Redis SET/GET throughput, 16 connections (commands/s, higher is better)',
  cluster: 'Redis Cluster SET/GET throughput, 3 masters (commands/s, higher is better)',
};

const sections = process.argv[2] === undefined ? ['redis', 'cluster'] : [process.argv[2]];
for (const section of sections) {
  const input = join(here, 'results', `${section}.json`);
  if (!existsSync(input)) continue;
  const data = JSON.parse(readFileSync(input, 'utf8'));
  const output = join(here, 'results', `${section}.svg`);
  const series = data.contenders.map((contender, i) => ({ ...contender, color: COLORS[i % COLORS.length] }));
  const groups = data.scenarios.map((s) => {
    const values = {};
    for (const [key, r] of Object.entries(s.results)) values[key] = { median: r.medianOpsPerSec, min: r.minOpsPerSec, max: r.maxOpsPerSec };
    return { label: `${s.callers} caller${s.callers === 1 ? '' : 's'}`, values };
  });
  const { machine, config } = data;
  const subtitle =
    `${config.rounds} rounds · ${machine.cpu} ×${machine.cores} (shared, noisy) · node ${machine.node} · ${machine.redisServer} · ` +
    `${machine.date.slice(0, 16).replace('T', ' ')} UTC`;
  writeFileSync(output, barChart({ title: TITLES[section], subtitle, series, groups }));
  console.log(`wrote ${relative(process.cwd(), output)}`);
}
