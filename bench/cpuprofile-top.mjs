// Prints the functions with the most self time in a .cpuprofile written by `node --cpu-prof`.
//
//   node bench/cpuprofile-top.mjs <file.cpuprofile> [rows=25]

import { readFileSync } from 'node:fs';

const [file, rowsArg] = process.argv.slice(2);
if (file === undefined) {
  console.error('usage: node bench/cpuprofile-top.mjs <file.cpuprofile> [rows]');
  process.exit(2);
}
const profile = JSON.parse(readFileSync(file, 'utf8'));
const sampleTime = new Map();
profile.samples.forEach((nodeId, i) => sampleTime.set(nodeId, (sampleTime.get(nodeId) ?? 0) + (profile.timeDeltas[i] ?? 0)));

const selfTime = new Map();
let total = 0;
for (const node of profile.nodes) {
  const time = sampleTime.get(node.id) ?? 0;
  total += time;
  const { functionName, url, lineNumber } = node.callFrame;
  const key = `${functionName || '(anonymous)'}  ${url.replace(/^.*\//, '')}:${lineNumber + 1}`;
  selfTime.set(key, (selfTime.get(key) ?? 0) + time);
}
const rows = [...selfTime].sort((a, b) => b[1] - a[1]).slice(0, Number(rowsArg ?? 25));
for (const [key, time] of rows) console.log(`${((100 * time) / total).toFixed(1).padStart(5)}%  ${key}`);
