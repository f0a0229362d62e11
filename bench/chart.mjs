// Turns bench/results/core.json into bench/results/core.svg: median ops/s per peer with the rounds' min-max, one
// group per variant (release not awaited / awaited) and worker count. Plain SVG text, no dependencies.
//
//   node bench/chart.mjs [input.json] [output.svg]

import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { barChart } from './svg.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const input = process.argv[2] ?? join(here, 'results', 'core.json');
const output = process.argv[3] ?? join(here, 'results', 'core.svg');
const data = JSON.parse(readFileSync(input, 'utf8'));

const COLORS = { core: '#2563eb', genericPool: '#f59e0b', tarn: '#10b981', freeList: '#9ca3af' };
const SHORT = { release: 'not awaited', awaitRelease: 'awaited' };
const series = data.peers.map((peer) => ({ ...peer, color: COLORS[peer.key] ?? '#6b7280' }));
const groups = [];
for (const [variant, scenarios] of Object.entries(data.variants)) {
  for (const s of scenarios) {
    const values = {};
    for (const peer of data.peers) {
      const r = s.results[peer.key];
      values[peer.key] = { median: r.medianOpsPerSec, min: r.minOpsPerSec, max: r.maxOpsPerSec };
    }
    groups.push({ label: `${s.workers} worker${s.workers === 1 ? '' : 's'}, release ${SHORT[variant]}`, values });
  }
}
const { machine, config } = data;
const svg = barChart({
  title: 'acquire + release throughput, 16 resources (ops/s, higher is better)',
  subtitle:
    `${config.rounds} rounds, fresh pool each · ${machine.cpu} ×${machine.cores} (shared, noisy) · node ${machine.node} · ` +
    `${machine.date.slice(0, 16).replace('T', ' ')} UTC`,
  series,
  groups,
  width: 980,
});
writeFileSync(output, svg);
console.log(`wrote ${relative(process.cwd(), output)}`);
