// A bare @pool/core acquire+release loop to profile, without the other pools in the process:
//
//   node --cpu-prof --cpu-prof-dir=bench/results/profiles bench/profile-core.mjs 256
//   node bench/cpuprofile-top.mjs bench/results/profiles/<file>.cpuprofile
//
// Arguments: workers (default 16), cycles (default 3,000,000). Add --no-turbo-inlining to node to see the pool's
// own functions instead of the loop they are inlined into (slower, but the split is clearer).

import { createPool } from '../packages/core/dist/index.mjs';

const workers = Number(process.argv[2] ?? 16);
const cycles = Number(process.argv[3] ?? 3_000_000);
let nextId = 0;
const pool = createPool(
  { create: async () => ({ id: nextId++ }), destroy: async () => {} },
  { size: 16, acquireTimeoutMs: Infinity },
);

async function worker(ops) {
  for (let i = 0; i < ops; i++) {
    const r = await pool.acquire();
    await pool.release(r);
  }
}

async function round(ops) {
  const perWorker = Math.ceil(ops / workers);
  const start = process.hrtime.bigint();
  await Promise.all(Array.from({ length: workers }, () => worker(perWorker)));
  return (perWorker * workers) / (Number(process.hrtime.bigint() - start) / 1e9);
}

await round(200_000);
const rates = [];
for (let i = 0; i < 5; i++) rates.push(await round(cycles / 5));
rates.sort((a, b) => a - b);
console.log(`${workers} workers: median ${Math.round(rates[2]).toLocaleString('en-US')} ops/s over 5 rounds`);
await pool.close();
