// Instructions per acquire+release operation, counted by valgrind's callgrind: unlike wall-clock time, the count is
// the same run after run whatever else the machine is doing, so it can judge a hot-path change on a busy machine.
// Each figure is (instructions of a run with 2N operations - those of a run with N) / N, so process start-up, JIT
// warm-up and pool setup cancel out.
//
//   node bench/instructions.mjs [--ops 100000] [--peers core,freeList] [--workers 1,16,256] [--variants release]
//   node bench/instructions.mjs --after ...    256 workers measured after the 1- and 16-worker loops ran first
//
// The peers (@pool/core, with and without validate, generic-pool, tarn and the bare free-list) are those of core.mjs,
// from core-peers.mjs. Needs valgrind on PATH. Slow (about 50x): keep --ops small. Not part of `pnpm bench`.

import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { corePeers } from './core-peers.mjs';
// POOL_CORE_DIST=<path to index.mjs> measures another build of @pool/core (e.g. before and after a change).
const { createPool } = await import(process.env.POOL_CORE_DIST ?? '../packages/core/dist/index.mjs');

const argv = process.argv.slice(2);
const option = (name, fallback) => {
  const i = argv.indexOf(`--${name}`);
  return i === -1 ? fallback : argv[i + 1];
};

const PEERS = await corePeers(createPool);

/** A fresh pool, not pre-warmed and not closed: only the difference between runs counts. */
async function run(key, variant, workers, ops) {
  const peer = PEERS[key];
  const pool = peer.open();
  const loop = peer.loops[variant];
  peer.setLeft(ops);
  await Promise.all(Array.from({ length: workers }, () => loop(pool)));
}

async function child() {
  const [peer, variant, workers, ops, after] = argv.slice(1);
  if (after === 'after') {
    await run(peer, variant, 1, 50_000);
    await run(peer, variant, 16, 50_000);
  }
  await run(peer, variant, Number(workers), 20_000); // warm-up
  await run(peer, variant, Number(workers), Number(ops));
}

function count(peer, variant, workers, ops, after) {
  const result = spawnSync(
    'valgrind',
    ['--tool=callgrind', '--callgrind-out-file=/dev/null', process.execPath, '--predictable', fileURLToPath(import.meta.url), '--child', peer, variant, String(workers), String(ops), after ? 'after' : 'first'],
    { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 },
  );
  const match = /Collected : (\d+)/.exec(result.stderr);
  if (match === null) throw new Error(`callgrind gave no count: ${result.stderr.slice(-500)}`);
  return Number(match[1]);
}

if (argv[0] === '--child') {
  await child();
} else {
  const ops = Number(option('ops', '100000'));
  const peers = option('peers', 'core,freeList').split(',');
  const workerCounts = option('workers', '1,16,256').split(',').map(Number);
  const variants = option('variants', 'release').split(',');
  const after = argv.includes('--after');
  for (const variant of variants) {
    for (const workers of workerCounts) {
      const row = [];
      for (const peer of peers) {
        const perOp = (count(peer, variant, workers, 2 * ops, after) - count(peer, variant, workers, ops, after)) / ops;
        row.push(`${peer} ${Math.round(perOp)}`);
      }
      console.log(`${variant} ${workers} workers${after ? ' (after 1, 16)' : ''}: instructions/op ${row.join(', ')}`);
    }
  }
}
