// Renders bench/results/core.json as the "## Benchmark" section of packages/core/README.md and of the root README.md.
//
//   node bench/table.mjs            print the section
//   node bench/table.mjs --write    replace (or append) that section in both READMEs, nothing else

import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const data = JSON.parse(readFileSync(join(here, 'results', 'core.json'), 'utf8'));
// Each README with the path from it to the chart.
const READMES = [
  { file: join(here, '..', 'packages', 'core', 'README.md'), chart: '../../bench/results/core.svg' },
  { file: join(here, '..', 'README.md'), chart: 'bench/results/core.svg' },
];
const CHART_PLACEHOLDER = '@@CHART@@';
const HEADING = '## Benchmark';
const { machine, config, scenarios, heap, targets } = data;

const ops = (value) => Math.round(value).toLocaleString('en-US');
const ratio = (value) => `${value.toFixed(2)}×`;
const mark = (t) => `${ratio(t.ratio)} ${t.pass ? '✓' : '✗'}`;
const mb = (bytes) => `${(bytes / 1024 / 1024).toFixed(2)} MB`;

const lines = [HEADING, ''];
lines.push(
  `Measured ${machine.date.slice(0, 16).replace('T', ' ')} UTC on ${machine.cpu} (${machine.cores} cores), Node ${machine.node}, ${machine.platform}.`,
);
lines.push(
  `Each worker loops \`const r = await pool.acquire(); await pool.release(r);\` on a pool of ${config.poolSize} trivial ` +
    `resources (waiting mode); ${config.opsPerRound.toLocaleString('en-US')} cycles per round, warm-up, then ` +
    `${config.rounds} interleaved rounds, median ops/s. "free-list" is a hand-written array plus FIFO waiter queue, ` +
    'the least work any pool can do.',
);
lines.push('');
lines.push(`![acquire + release throughput](${CHART_PLACEHOLDER})`);
lines.push('');
lines.push('| workers | @pool/core | generic-pool 3.9 | tarn 3.1 | free-list | core / free-list | core / generic-pool | core / tarn |');
lines.push('|---:|---:|---:|---:|---:|---:|---:|---:|');
for (const s of scenarios) {
  const r = s.results;
  lines.push(
    `| ${s.workers} | ${ops(r.core.medianOpsPerSec)} | ${ops(r.genericPool.medianOpsPerSec)} | ${ops(r.tarn.medianOpsPerSec)} | ` +
      `${ops(r.freeList.medianOpsPerSec)} | ${mark(s.targets.overFreeList)} | ${mark(s.targets.overGenericPool)} | ${mark(s.targets.overTarn)} |`,
  );
}
lines.push('');
if (scenarios[0].cpuRatios !== undefined) {
  lines.push('The same rounds per CPU-second of the benchmark process, which load from other processes disturbs much less:');
  lines.push('');
  lines.push('| workers | @pool/core | generic-pool 3.9 | tarn 3.1 | free-list | core / free-list | core / generic-pool | core / tarn |');
  lines.push('|---:|---:|---:|---:|---:|---:|---:|---:|');
  for (const s of scenarios) {
    const r = s.results;
    const c = s.cpuRatios;
    lines.push(
      `| ${s.workers} | ${ops(r.core.medianOpsPerCpuSec)} | ${ops(r.genericPool.medianOpsPerCpuSec)} | ${ops(r.tarn.medianOpsPerCpuSec)} | ` +
        `${ops(r.freeList.medianOpsPerCpuSec)} | ${ratio(c.coreOverFreeList)} | ${ratio(c.coreOverGenericPool)} | ${ratio(c.coreOverTarn)} |`,
    );
  }
  lines.push('');
}
lines.push(
  `Targets: ≥ ${targets.overFreeList}× the free-list, ≥ ${targets.overGenericPool}× generic-pool, ≥ ${targets.overTarn}× tarn ` +
    '(✓ met, ✗ missed on this run, judged on the wall-clock medians).',
);
lines.push('');
if (machine.loadAverage1m !== undefined && machine.loadAverage1m > machine.cores / 2) {
  lines.push(`The machine was busy during this run (load average ${machine.loadAverage1m.toFixed(2)} on ${machine.cores} cores).`);
  lines.push('');
}
for (const h of heap) {
  lines.push(
    `Heap over ${h.cycles.toLocaleString('en-US')} cycles with ${h.workers} workers (after forced GC): ` +
      `${mb(h.heapUsedBeforeBytes)} → ${mb(h.heapUsedAfterBytes)} (${h.growthBytes >= 0 ? '+' : ''}${mb(h.growthBytes)}).`,
  );
  lines.push('');
}
lines.push('Reproduce with `pnpm bench` (or `pnpm bench --only core`) from the repository root; machines differ, ratios travel better than ops/s.');
const section = `${lines.join('\n')}\n`;

if (!process.argv.includes('--write')) {
  process.stdout.write(section.replace(CHART_PLACEHOLDER, READMES[0].chart));
} else {
  for (const { file, chart } of READMES) writeSection(file, section.replace(CHART_PLACEHOLDER, chart));
}

/** Replaces the `## Benchmark` section of one README (appends it when missing), leaving the rest as it is. */
function writeSection(readme, text) {
  const current = existsSync(readme) ? readFileSync(readme, 'utf8') : '';
  const start = current.search(/^## Benchmark\s*$/m);
  let next;
  if (start === -1) {
    next = current === '' ? text : `${current.replace(/\n*$/, '')}\n\n${text}`;
  } else {
    const rest = current.slice(start + HEADING.length);
    const end = rest.search(/^## /m);
    const after = end === -1 ? '' : `\n${rest.slice(end)}`;
    next = `${current.slice(0, start)}${text}${after}`;
  }
  writeFileSync(readme, next);
  console.log(`updated the Benchmark section of ${readme}`);
}
