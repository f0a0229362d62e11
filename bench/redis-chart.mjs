// Turns bench/results/<section>.json (section redis or cluster) into bench/results/<section>.svg: a grouped bar chart
// of median ops/s, one group per caller count, one bar per client. Plain SVG text, no dependencies.
//
//   node bench/redis-chart.mjs [redis|cluster]     (default: both whose JSON exists)

import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { escape, formatShort, niceStep, text } from './svg.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const COLORS = ['#2563eb', '#60a5fa', '#f59e0b', '#ef4444', '#10b981', '#059669', '#9ca3af'];
const TITLES = {
  redis: 'Redis SET/GET throughput, 16 connections (median ops/s, higher is better)',
  cluster: 'Redis Cluster SET/GET throughput, 3 masters (median ops/s, higher is better)',
};

const sections = process.argv[2] === undefined ? ['redis', 'cluster'] : [process.argv[2]];
for (const section of sections) {
  const input = join(here, 'results', `${section}.json`);
  if (!existsSync(input)) continue;
  const output = join(here, 'results', `${section}.svg`);
  writeFileSync(output, render(JSON.parse(readFileSync(input, 'utf8')), TITLES[section]));
  console.log(`wrote ${relative(process.cwd(), output)}`);
}

function render(data, title) {
  const series = data.contenders.map((contender, i) => ({ ...contender, color: COLORS[i % COLORS.length] }));
  const scenarios = data.scenarios;
  const width = 860;
  const height = 460;
  const margin = { top: 56, right: 20, bottom: 100, left: 84 };
  const plotWidth = width - margin.left - margin.right;
  const plotHeight = height - margin.top - margin.bottom;
  const maxValue = Math.max(...scenarios.flatMap((s) => series.map((one) => s.results[one.key].medianOpsPerSec)));
  const step = niceStep(maxValue / 5);
  const top = Math.ceil(maxValue / step) * step;
  const y = (value) => margin.top + plotHeight - (value / top) * plotHeight;
  const groupWidth = plotWidth / scenarios.length;
  const barWidth = Math.min(36, (groupWidth * 0.85) / series.length);

  const parts = [
    `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${width} ${height}" width="${width}" height="${height}" ` +
      `font-family="system-ui, -apple-system, Segoe UI, Helvetica, Arial, sans-serif" font-size="12">`,
    `<rect width="${width}" height="${height}" fill="#ffffff"/>`,
    text(margin.left, 22, title, { size: 15, weight: 'bold' }),
    text(margin.left, 40, `${data.machine.cpu} ×${data.machine.cores} · node ${data.machine.node} · ${data.machine.redisServer} · ${data.machine.date.slice(0, 10)}`, { fill: '#555' }),
  ];
  for (let value = 0; value <= top; value += step) {
    const lineY = y(value);
    parts.push(`<line x1="${margin.left}" x2="${width - margin.right}" y1="${lineY}" y2="${lineY}" stroke="#e5e7eb"/>`);
    parts.push(text(margin.left - 8, lineY + 4, formatShort(value), { anchor: 'end', fill: '#555' }));
  }
  scenarios.forEach((scenario, g) => {
    const groupX = margin.left + g * groupWidth + (groupWidth - barWidth * series.length) / 2;
    series.forEach((one, i) => {
      const value = scenario.results[one.key].medianOpsPerSec;
      const x = groupX + i * barWidth;
      const barY = y(value);
      parts.push(
        `<rect x="${x + 2}" y="${barY}" width="${barWidth - 4}" height="${margin.top + plotHeight - barY}" fill="${one.color}">` +
          `<title>${escape(one.name)}, ${scenario.callers} caller(s): ${Math.round(value).toLocaleString('en-US')} ops/s</title></rect>`,
      );
      parts.push(text(x + barWidth / 2, barY - 4, formatShort(value), { anchor: 'middle', size: 9, fill: '#333' }));
    });
    const label = `${scenario.callers} caller${scenario.callers === 1 ? '' : 's'}`;
    parts.push(text(margin.left + g * groupWidth + groupWidth / 2, margin.top + plotHeight + 18, label, { anchor: 'middle' }));
  });
  parts.push(`<line x1="${margin.left}" x2="${width - margin.right}" y1="${margin.top + plotHeight}" y2="${margin.top + plotHeight}" stroke="#9ca3af"/>`);
  // Legend in rows that fit the width.
  let legendX = margin.left;
  let legendY = margin.top + plotHeight + 42;
  for (const one of series) {
    const itemWidth = 18 + one.name.length * 6.6 + 20;
    if (legendX + itemWidth > width - margin.right) {
      legendX = margin.left;
      legendY += 20;
    }
    parts.push(`<rect x="${legendX}" y="${legendY - 10}" width="12" height="12" fill="${one.color}"/>`);
    parts.push(text(legendX + 18, legendY, one.name));
    legendX += itemWidth;
  }
  parts.push('</svg>');
  return `${parts.join('\n')}\n`;
}




