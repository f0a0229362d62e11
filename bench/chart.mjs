// Turns bench/results/core.json into bench/results/core.svg: a grouped bar chart of median ops/s, one group per
// worker count, one bar per pool. Plain SVG text, no dependencies.
//
//   node bench/chart.mjs [input.json] [output.svg]

import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { escape, formatShort, niceStep, text } from './svg.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const input = process.argv[2] ?? join(here, 'results', 'core.json');
const output = process.argv[3] ?? join(here, 'results', 'core.svg');
const data = JSON.parse(readFileSync(input, 'utf8'));

const SERIES = [
  { key: 'core', color: '#2563eb' },
  { key: 'genericPool', color: '#f59e0b' },
  { key: 'tarn', color: '#10b981' },
  { key: 'freeList', color: '#9ca3af' },
];

const width = 760;
const height = 420;
const margin = { top: 56, right: 20, bottom: 70, left: 84 };
const plotWidth = width - margin.left - margin.right;
const plotHeight = height - margin.top - margin.bottom;

const scenarios = data.scenarios;
const maxValue = Math.max(...scenarios.flatMap((s) => SERIES.map((series) => s.results[series.key].medianOpsPerSec)));
const step = niceStep(maxValue / 5);
const top = Math.ceil(maxValue / step) * step;
const y = (value) => margin.top + plotHeight - (value / top) * plotHeight;

const groupWidth = plotWidth / scenarios.length;
const barWidth = Math.min(40, (groupWidth * 0.8) / SERIES.length);

const parts = [];
parts.push(
  `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${width} ${height}" width="${width}" height="${height}" ` +
    `font-family="system-ui, -apple-system, Segoe UI, Helvetica, Arial, sans-serif" font-size="12">`,
);
parts.push(`<rect width="${width}" height="${height}" fill="#ffffff"/>`);
parts.push(
  text(margin.left, 22, 'acquire + release throughput (median ops/s, higher is better)', { size: 15, weight: 'bold' }),
);
parts.push(
  text(
    margin.left,
    40,
    `pool size ${data.config.poolSize} · ${data.machine.cpu} ×${data.machine.cores} · node ${data.machine.node} · ${data.machine.date.slice(0, 10)}`,
    { fill: '#555' },
  ),
);

for (let value = 0; value <= top; value += step) {
  const lineY = y(value);
  parts.push(`<line x1="${margin.left}" x2="${width - margin.right}" y1="${lineY}" y2="${lineY}" stroke="#e5e7eb"/>`);
  parts.push(text(margin.left - 8, lineY + 4, formatShort(value), { anchor: 'end', fill: '#555' }));
}

scenarios.forEach((scenario, g) => {
  const groupX = margin.left + g * groupWidth + (groupWidth - barWidth * SERIES.length) / 2;
  SERIES.forEach((series, i) => {
    const value = scenario.results[series.key].medianOpsPerSec;
    const x = groupX + i * barWidth;
    const barY = y(value);
    parts.push(
      `<rect x="${x + 2}" y="${barY}" width="${barWidth - 4}" height="${margin.top + plotHeight - barY}" fill="${series.color}">` +
        `<title>${escape(scenario.results[series.key].name)}, ${scenario.workers} worker(s): ${Math.round(value).toLocaleString('en-US')} ops/s</title></rect>`,
    );
    parts.push(text(x + barWidth / 2, barY - 4, formatShort(value), { anchor: 'middle', size: 10, fill: '#333' }));
  });
  const label = `${scenario.workers} worker${scenario.workers === 1 ? '' : 's'}`;
  parts.push(text(margin.left + g * groupWidth + groupWidth / 2, margin.top + plotHeight + 18, label, { anchor: 'middle' }));
});

parts.push(
  `<line x1="${margin.left}" x2="${width - margin.right}" y1="${margin.top + plotHeight}" y2="${margin.top + plotHeight}" stroke="#9ca3af"/>`,
);

const legendY = height - 22;
let legendX = margin.left;
for (const series of SERIES) {
  const name = scenarios[0].results[series.key].name;
  parts.push(`<rect x="${legendX}" y="${legendY - 10}" width="12" height="12" fill="${series.color}"/>`);
  parts.push(text(legendX + 18, legendY, name));
  legendX += 18 + name.length * 7 + 24;
}

parts.push('</svg>');
writeFileSync(output, `${parts.join('\n')}\n`);
console.log(`wrote ${relative(process.cwd(), output)}`);




