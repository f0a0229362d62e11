// `pnpm bench`: runs every benchmark section in order, each in its own `node --expose-gc` child so one section's
// heap and JIT state cannot colour the next. Benchmarks are not tests: they print what they measured.
//
//   node bench/run.mjs                 every section whose file exists
//   node bench/run.mjs --only core     one section (other arguments are passed to the section)
//
// To add a section, write bench/<name>.mjs (a plain ESM script that prints its results and writes
// bench/results/<name>.json) and list <name> in SECTIONS. A listed section whose file is missing is skipped.

import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const SECTIONS = ['core', 'redis', 'cluster'];

const here = dirname(fileURLToPath(import.meta.url));
const argv = process.argv.slice(2);
const onlyIndex = argv.indexOf('--only');
const only = onlyIndex === -1 ? undefined : argv[onlyIndex + 1];
const passThrough = onlyIndex === -1 ? argv : [...argv.slice(0, onlyIndex), ...argv.slice(onlyIndex + 2)];

if (only !== undefined && !SECTIONS.includes(only)) {
  console.error(`bench: unknown section "${only}"; known: ${SECTIONS.join(', ')}`);
  process.exit(2);
}

let failed = false;
for (const section of SECTIONS) {
  if (only !== undefined && section !== only) continue;
  const file = join(here, `${section}.mjs`);
  if (!existsSync(file)) {
    console.log(`\n== ${section}: skipped (bench/${section}.mjs does not exist)`);
    continue;
  }
  console.log(`\n== ${section}`);
  const child = spawnSync(process.execPath, ['--expose-gc', file, ...passThrough], { stdio: 'inherit' });
  if (child.status !== 0) {
    failed = true;
    console.error(`bench: section ${section} exited with ${child.status ?? child.signal}`);
  }
}
process.exitCode = failed ? 1 : 0;
