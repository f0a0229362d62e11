// Renders bench/results/core.json as the "## Benchmark" section of packages/core/README.md and of the root README.md.
// Every figure in that section comes from the JSON; nothing is typed in by hand.
//
//   node bench/table.mjs            print the section
//   node bench/table.mjs --write    replace (or append) that section in both READMEs, nothing else

import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const data = JSON.parse(readFileSync(join(here, 'results', 'core.json'), 'utf8'));
// Each README with its chart line: the root README shows the chart; the package README (read on npmjs.com, where a
// relative link has nothing to resolve against) names where it is.
const READMES = [
  { file: join(here, '..', 'packages', 'core', 'README.md'), chart: 'Chart: `bench/results/core.svg` in the repository.' },
  { file: join(here, '..', 'README.md'), chart: '![acquire + release throughput](bench/results/core.svg)' },
];
const CHART_PLACEHOLDER = '@@CHART@@';
const HEADING = '## Benchmark';
const { machine, config, variants, order, heap, targets, peers } = data;
const VARIANT_NAMES = { release: 'release not awaited', awaitRelease: 'release awaited' };
const VARIANT_TITLES = {
  release: 'Release not awaited (`const r = await pool.acquire(); pool.release(r);`)',
  awaitRelease: 'Release awaited (`const r = await pool.acquire(); await pool.release(r);`)',
};

const ops = (value) => Math.round(value).toLocaleString('en-US');
const short = (value) => (value >= 1e6 ? `${(value / 1e6).toFixed(2)}M` : `${Math.round(value / 1e3)}k`);
const ratio = (value) => `${value.toFixed(2)}×`;
const span = (r) => `${r.min.toFixed(2)}–${r.max.toFixed(2)}`;
const mark = (t) => `${ratio(t.ratio)} ${t.pass ? '✓' : '✗'} (${span(t.roundRange)})`;
const mb = (bytes) => `${(bytes / 1024 / 1024).toFixed(2)} MB`;
const name = (key) => peers.find((p) => p.key === key).name;

const lines = [HEADING, ''];
lines.push(
  `Measured ${machine.date.slice(0, 16).replace('T', ' ')} UTC${machine.commit ? ` on commit ${machine.commit}` : ''}, ${machine.cpu} (${machine.cores} cores), Node ${machine.node}, ` +
    `${machine.platform}. The machine is shared with other sessions that may build and run test suites at the same time ` +
    `(load average ${machine.loadAverage1m.toFixed(1)} at the start, ${(machine.loadAverage1mAtEnd ?? machine.loadAverage1m).toFixed(1)} ` +
    `at the end, on ${machine.cores} cores): when it is busy single rounds swing widely, so read the medians and the ratio ranges, not one round.`,
);
lines.push('');
lines.push(
  `How: ${config.workerCounts.join(', ')} workers on a pool of ${config.poolSize} trivial resources; the workers of a measurement ` +
    `share one counter of ${config.opsPerMeasurement.toLocaleString('en-US')} acquire+release operations. Every measurement gets a ` +
    'fresh pool whose resources already exist. All peers, scenarios and both variants run in one process: one discarded ' +
    `warm-up pass, then ${config.rounds} rounds, the peers in a rotated order each round. Cells: median ops/s of the rounds ` +
    '(slowest–fastest round). Ratios: of the medians (in brackets, the slowest–fastest per-round ratio). The "bare free-list" ' +
    'is the limit: a free array plus a power-of-two ring buffer of resolvers, with no timeouts, validation or accounting.',
);
lines.push('');
lines.push(CHART_PLACEHOLDER);
lines.push('');
for (const [variant, scenarios] of Object.entries(variants)) {
  lines.push(`${VARIANT_TITLES[variant]}:`);
  lines.push('');
  lines.push(`| workers | ${peers.map((p) => p.name).join(' | ')} |`);
  lines.push(`|---:|${peers.map(() => '---:').join('|')}|`);
  for (const s of scenarios) {
    const cells = peers.map((p) => {
      const r = s.results[p.key];
      return `${ops(r.medianOpsPerSec)} (${short(r.minOpsPerSec)}–${short(r.maxOpsPerSec)})`;
    });
    lines.push(`| ${s.workers} | ${cells.join(' | ')} |`);
  }
  lines.push('');
  lines.push(`| workers | core / free-list | core / ${name('genericPool')} | core / ${name('tarn')} | same, per CPU-second of the process |`);
  lines.push('|---:|---:|---:|---:|---:|');
  for (const s of scenarios) {
    const t = s.targets;
    const cpu = [t.overFreeList, t.overGenericPool, t.overTarn].map((x) => ratio(x.cpuRatio)).join(' / ');
    lines.push(`| ${s.workers} | ${mark(t.overFreeList)} | ${mark(t.overGenericPool)} | ${mark(t.overTarn)} | ${cpu} |`);
  }
  lines.push('');
}
if (Object.values(variants).flat().some((s) => s.ratios.coreOverFreeList.ratio > 1)) {
  lines.push(
    'A ratio above 1.00× against the free-list is noise, not a pool doing less work than the free-list: with release ' +
      'awaited, the await costs every peer the same and dominates, and the per-round ratios straddle 1.',
  );
  lines.push('');
}
lines.push(
  `Targets: ≥ ${targets.overFreeList}× the free-list (aim ${targets.overFreeListAim}×), ≥ ${targets.overGenericPool}× generic-pool, ` +
    `≥ ${targets.overTarn}× tarn, in every scenario (✓ met, ✗ missed on this run, judged on the medians).`,
);
lines.push('');
const genericPoolMisses = Object.keys(variants).flatMap((variant) =>
  variants[variant].filter((s) => s.targets.overGenericPool.pass === false).map((s) => ({ variant, s })),
);
for (const { variant, s } of genericPoolMisses) {
  const freeListOverGenericPool = 1 / s.ratios.genericPoolOverFreeList.ratio;
  lines.push(
    `≥ ${targets.overGenericPool}× generic-pool is missed with ${VARIANT_NAMES[variant]} at ${s.workers} workers: there the bare ` +
      `free-list is ${ratio(freeListOverGenericPool)} generic-pool, so @pool/core would need ` +
      `${ratio(targets.overGenericPool / freeListOverGenericPool)} the free-list and reaches ${ratio(s.ratios.coreOverFreeList.ratio)}. ` +
      '`bench/results/profile-summaries/README.md` in the repository counts the instructions that make the difference.',
  );
  lines.push('');
}
lines.push(
  `256 workers, @pool/core, run first in a fresh process against after the 1- and 16-worker scenarios in that process ` +
    `(target: within ${Math.round(targets.orderDrift * 100)}%):`,
);
lines.push('');
lines.push('| variant | first | after 1 and 16 workers | after / first | main run above / first | core / free-list first → after |');
lines.push('|---|---:|---:|---:|---:|---:|');
for (const [variant, o] of Object.entries(order)) {
  lines.push(
    `| release ${variant === 'release' ? 'not awaited' : 'awaited'} | ${ops(o.first.results.core.medianOpsPerSec)} | ` +
      `${ops(o.after.results.core.medianOpsPerSec)} | ${ratio(o.afterOverFirst)} ${o.pass ? '✓' : '✗'} | ${ratio(o.mainOverFirst)} | ` +
      `${ratio(o.first.ratios.coreOverFreeList.ratio)} → ${ratio(o.after.ratios.coreOverFreeList.ratio)} |`,
  );
}
lines.push('');
for (const h of heap) {
  lines.push(
    `Heap over ${h.cycles.toLocaleString('en-US')} cycles with ${h.workers} workers (heapUsed after forced GC): ` +
      `${mb(h.heapUsedBeforeBytes)} → ${mb(h.heapUsedAfterBytes)} (${h.growthBytes >= 0 ? '+' : ''}${mb(h.growthBytes)}).`,
  );
  lines.push('');
}
lines.push(
  'Reproduce with `npx -y pnpm@10.34.8 bench --only core` from the repository root (results in `bench/results/core.json`, chart by ' +
    '`node bench/chart.mjs`); machines differ, ratios travel better than ops/s.',
);
const section = `${lines.join('\n')}\n`;

if (!process.argv.includes('--write')) {
  process.stdout.write(section.replace(CHART_PLACEHOLDER, READMES[0].chart));
} else {
  for (const { file, chart } of READMES) writeSection(file, section.replace(CHART_PLACEHOLDER, chart));
  writeFastBullet(join(here, '..', 'README.md'));
}

/** The root README's "Fast." bullet, with the ranges of this run's ratios over every scenario and variant. */
function writeFastBullet(readme) {
  // The variant that shows the pool's own cost (awaiting release adds the same microtask to every peer).
  const all = variants.release;
  const span = (pick) => {
    const values = all.map(pick);
    return `${Math.min(...values).toFixed(2)}–${Math.max(...values).toFixed(2)}`;
  };
  const bullet =
    `- **Fast.** In the benchmark below (release not awaited, 1 to 256 workers, medians of ${config.rounds} rounds on a ` +
    `shared, noisy machine): ${span((s) => s.ratios.coreOverGenericPool.ratio)}× generic-pool's throughput, ` +
    `${span((s) => s.ratios.coreOverTarn.ratio)}× tarn's, and ${span((s) => s.ratios.coreOverFreeList.ratio)} of a bare ` +
    'free-list\'s (the least work any pool can do).';
  const current = readFileSync(readme, 'utf8');
  if (!/^- \*\*Fast\.\*\*.*$/m.test(current)) return;
  writeFileSync(readme, current.replace(/^- \*\*Fast\.\*\*.*$/m, bullet));
  console.log(`updated the "Fast." bullet of ${readme}`);
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
