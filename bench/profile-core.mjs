// A bare @pool/core acquire+release loop to profile, without the other pools in the process:
//
//   node --cpu-prof --cpu-prof-dir=bench/results/profiles bench/profile-core.mjs 256
//   node bench/cpuprofile-top.mjs bench/results/profiles/<file>.cpuprofile
//   valgrind --tool=callgrind node bench/profile-core.mjs 256 200000     (instruction counts, reproducible)
//
// Arguments: workers (default 16), cycles (default 3,000,000), and --await to await release() (the default does not,
// as in bench/core.mjs' first variant). The workers share one remaining-operations counter, as in bench/core.mjs.
// Add --no-turbo-inlining to node to see the pool's own functions instead of the loop they are inlined into (slower,
// but the split is clearer).

import { createPool } from '../packages/core/dist/index.mjs';

const positional = process.argv.slice(2).filter((arg) => !arg.startsWith('--'));
const awaitRelease = process.argv.includes('--await');
const workers = Number(positional[0] ?? 16);
const cycles = Number(positional[1] ?? 3_000_000);
let nextId = 0;
const pool = createPool(
  { create: async () => ({ id: nextId++ }), destroy: async () => {} },
  { size: 16, acquireTimeoutMs: Infinity },
);

let left = 0;
async function worker() {
  while (left > 0) {
    left--;
    const r = await pool.acquire();
    if (awaitRelease) await pool.release(r);
    else pool.release(r);
  }
}

async function round(ops) {
  left = ops;
  const start = process.hrtime.bigint();
  await Promise.all(Array.from({ length: workers }, () => worker()));
  return ops / (Number(process.hrtime.bigint() - start) / 1e9);
}

await round(Math.min(200_000, cycles));
const rates = [];
for (let i = 0; i < 5; i++) rates.push(await round(Math.ceil(cycles / 5)));
rates.sort((a, b) => a - b);
console.log(`${workers} workers, release ${awaitRelease ? 'awaited' : 'not awaited'}: median ${Math.round(rates[2]).toLocaleString('en-US')} ops/s over 5 rounds`);
await pool.close();
