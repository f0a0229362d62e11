// Core section of `pnpm bench`: acquire+release throughput of @pool/core against generic-pool, tarn and a bare
// free-list, all in one process, plus the 256-worker order check (in a fresh child process) and heap growth over
// 1,000,000 cycles. Prints what it measured and writes bench/results/core.json. Not a test: nothing here passes or
// fails the build.
//
//   node --expose-gc bench/core.mjs [--ops 200000] [--rounds 7] [--heap-cycles 1000000]
//   node --expose-gc bench/core.mjs --order-check     (the child: 256 workers first, then after the others)
//
// How it measures (the way a skeptic would, see bench/README.md):
// - two variants: `release` not awaited (`const r = await pool.acquire(); pool.release(r);`, as most application
//   code does) and awaited (`await pool.release(r)`);
// - the workers of a measurement share one remaining-operations counter, so fast workers do more;
// - every measurement gets a fresh pool whose 16 resources already exist (pre-warmed), and is closed after;
// - all scenarios (1, 16, 256 workers on 16 resources) and all peers run in this one process; one discarded warm-up
//   pass, then ROUNDS rounds, each round running every variant and scenario with the peers in a rotated order;
// - medians, with the min-max of the rounds and of the per-round ratios.
// The peers (the free-list, and how each pool is opened, pre-warmed and closed) are in core-peers.mjs, their worker
// loops in core-loops.mjs; instructions.mjs measures the same.

import { spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import v8 from 'node:v8';
import vm from 'node:vm';
import { createPool } from '../packages/core/dist/index.mjs';
import { corePeers, openWarm, POOL_SIZE } from './core-peers.mjs';
import { formatOps, formatRatio, gitCommit, median, parseArgs, printAligned, spread } from './measure.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const WORKER_COUNTS = [1, 16, 256];
const VARIANTS = ['release', 'awaitRelease'];
const VARIANT_LABELS = { release: 'release not awaited', awaitRelease: 'release awaited' };
const TARGETS = { overGenericPool: 3, overTarn: 2, overFreeList: 0.5, overFreeListAim: 0.67, orderDrift: 0.2 };

const args = parseArgs(process.argv.slice(2));
const ORDER_CHECK = process.argv.includes('--order-check');
const OPS = args.ops ?? 200_000;
const ROUNDS = Math.max(7, args.rounds ?? 7);
const WARMUP_ROUNDS = 1;
const HEAP_CYCLES = args['heap-cycles'] ?? 1_000_000;

const gc = globalThis.gc ?? exposeGc();

// ---- the peers (core-peers.mjs) --------------------------------------------------------------------------------

const peers = await corePeers(createPool);
const PEERS = [peers.core, peers.genericPool, peers.tarn, peers.freeList];

// ---- measuring -------------------------------------------------------------------------------------------------

/**
 * One measurement: a fresh pre-warmed pool, `workers` loops sharing `ops` operations. Returns ops per wall-clock
 * second and per CPU-second of this process (which other processes on a busy machine disturb much less).
 */
async function measure(peer, variant, workers, ops) {
  const pool = await openWarm(peer);
  const loop = peer.loops[variant];
  const loops = new Array(workers);
  peer.setLeft(ops);
  const cpuStart = process.cpuUsage();
  const start = process.hrtime.bigint();
  for (let w = 0; w < workers; w++) loops[w] = loop(pool);
  await Promise.all(loops);
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  const cpu = process.cpuUsage(cpuStart);
  await peer.close(pool);
  return { wall: ops / seconds, cpu: ops / ((cpu.user + cpu.system) / 1e6) };
}

/**
 * Runs `rounds` rounds (after `warmup` discarded ones) of every variant x scenario, the peers rotated each round.
 * Returns samples[variant][workers][peerKey] = [{ wall, cpu }, ...].
 */
async function runRounds({ variants, workerCounts, rounds, warmup, progress }) {
  const samples = {};
  for (const variant of variants) {
    samples[variant] = {};
    for (const workers of workerCounts) samples[variant][workers] = Object.fromEntries(PEERS.map((p) => [p.key, []]));
  }
  for (let round = 0; round < warmup + rounds; round++) {
    if (progress) process.stdout.write(`  ${round < warmup ? 'warm-up' : `round ${round - warmup + 1}/${rounds}`}\n`);
    for (const variant of variants) {
      for (const workers of workerCounts) {
        for (let k = 0; k < PEERS.length; k++) {
          const peer = PEERS[(round + k) % PEERS.length];
          const measured = await measure(peer, variant, workers, OPS);
          if (round >= warmup) samples[variant][workers][peer.key].push(measured);
        }
      }
    }
  }
  return samples;
}

function summarize(workers, byPeer) {
  const results = {};
  for (const peer of PEERS) {
    const wall = byPeer[peer.key].map((m) => m.wall);
    const cpu = byPeer[peer.key].map((m) => m.cpu);
    results[peer.key] = {
      name: peer.name,
      medianOpsPerSec: median(wall),
      minOpsPerSec: Math.min(...wall),
      maxOpsPerSec: Math.max(...wall),
      roundsOpsPerSec: wall,
      medianOpsPerCpuSec: median(cpu),
      roundsOpsPerCpuSec: cpu,
    };
  }
  const ratioOf = (a, b) => ({
    ratio: results[a].medianOpsPerSec / results[b].medianOpsPerSec,
    roundRange: spread(byPeer[a].map((m, i) => m.wall / byPeer[b][i].wall)),
    cpuRatio: results[a].medianOpsPerCpuSec / results[b].medianOpsPerCpuSec,
  });
  const ratios = {
    coreOverFreeList: ratioOf('core', 'freeList'),
    coreOverGenericPool: ratioOf('core', 'genericPool'),
    coreOverTarn: ratioOf('core', 'tarn'),
    genericPoolOverFreeList: ratioOf('genericPool', 'freeList'),
    tarnOverFreeList: ratioOf('tarn', 'freeList'),
  };
  const targets = {
    overGenericPool: { target: TARGETS.overGenericPool, ...ratios.coreOverGenericPool },
    overTarn: { target: TARGETS.overTarn, ...ratios.coreOverTarn },
    overFreeList: { target: TARGETS.overFreeList, aim: TARGETS.overFreeListAim, ...ratios.coreOverFreeList },
  };
  for (const t of Object.values(targets)) t.pass = t.ratio >= t.target;
  return { workers, results, ratios, targets };
}

/** heapUsed after a full GC, before and after `cycles` acquire+release cycles on one @pool/core pool. */
async function measureHeap(workers, cycles) {
  const peer = PEERS[0];
  const pool = await openWarm(peer);
  const run = async (ops) => {
    peer.setLeft(ops);
    await Promise.all(Array.from({ length: workers }, () => peer.loops.release(pool)));
  };
  await run(100_000);
  const before = settledHeap();
  await run(cycles);
  const after = settledHeap();
  await peer.close(pool);
  const growthBytes = after - before;
  return { workers, cycles, heapUsedBeforeBytes: before, heapUsedAfterBytes: after, growthBytes, flat: growthBytes < 1024 * 1024 };
}

function settledHeap() {
  gc();
  gc();
  return process.memoryUsage().heapUsed;
}

// ---- the order check (child process) ---------------------------------------------------------------------------

/**
 * In a fresh process: 256 workers measured first (nothing else has run), then the 1- and 16-worker scenarios, then
 * 256 workers again. Prints one JSON line for the parent.
 */
async function orderCheck() {
  const first = await runRounds({ variants: VARIANTS, workerCounts: [256], rounds: ROUNDS, warmup: WARMUP_ROUNDS });
  await runRounds({ variants: VARIANTS, workerCounts: [1, 16], rounds: 3, warmup: 0 });
  const after = await runRounds({ variants: VARIANTS, workerCounts: [256], rounds: ROUNDS, warmup: 0 });
  const result = {};
  for (const variant of VARIANTS) {
    result[variant] = { first: summarize(256, first[variant][256]), after: summarize(256, after[variant][256]) };
  }
  process.stdout.write(`${JSON.stringify(result)}\n`);
}

function runOrderCheckChild() {
  const child = spawnSync(process.execPath, ['--expose-gc', fileURLToPath(import.meta.url), '--order-check', '--ops', String(OPS), '--rounds', String(ROUNDS)], {
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
  });
  if (child.status !== 0) throw new Error(`order check failed: ${child.stderr}`);
  return JSON.parse(child.stdout.trim().split('\n').at(-1));
}

// ---- output ----------------------------------------------------------------------------------------------------

function machineInfo() {
  const cpus = os.cpus();
  return {
    cpu: cpus[0]?.model ?? 'unknown',
    cores: cpus.length,
    node: process.version,
    v8: process.versions.v8,
    platform: `${os.type()} ${os.release()} ${os.arch()}`,
    loadAverage1m: os.loadavg()[0],
    date: new Date().toISOString(),
    commit: gitCommit(),
  };
}

const range = (r) => `${formatShort(r.minOpsPerSec)}-${formatShort(r.maxOpsPerSec)}`;
const ratioCell = (t) => `${formatRatio(t.ratio)} (${t.roundRange.min.toFixed(2)}-${t.roundRange.max.toFixed(2)})`;

function printVariant(variant, scenarios) {
  console.log(`\n${VARIANT_LABELS[variant]}: median ops/s (min-max of the rounds)`);
  printAligned([
    ['workers', ...PEERS.map((p) => p.name)],
    ...scenarios.map((s) => [String(s.workers), ...PEERS.map((p) => `${formatOps(s.results[p.key].medianOpsPerSec)} (${range(s.results[p.key])})`)]),
  ]);
  console.log(`\n${VARIANT_LABELS[variant]}: ratios of medians (min-max of the per-round ratios), and per CPU-second`);
  printAligned([
    ['workers', 'core/free-list', 'core/generic-pool', 'core/tarn', 'gp/free-list', 'tarn/free-list', 'cpu: core/free', 'core/gp', 'core/tarn'],
    ...scenarios.map((s) => [
      String(s.workers),
      ratioCell(s.ratios.coreOverFreeList),
      ratioCell(s.ratios.coreOverGenericPool),
      ratioCell(s.ratios.coreOverTarn),
      formatRatio(s.ratios.genericPoolOverFreeList.ratio),
      formatRatio(s.ratios.tarnOverFreeList.ratio),
      formatRatio(s.ratios.coreOverFreeList.cpuRatio),
      formatRatio(s.ratios.coreOverGenericPool.cpuRatio),
      formatRatio(s.ratios.coreOverTarn.cpuRatio),
    ]),
  ]);
}

function printTargets(variants, order) {
  console.log(
    `\nTargets (release not awaited and awaited): core >= ${TARGETS.overGenericPool}x generic-pool, >= ${TARGETS.overTarn}x tarn, ` +
      `>= ${TARGETS.overFreeList}x the free-list (aim ${TARGETS.overFreeListAim}x)`,
  );
  const mark = (t) => `${formatRatio(t.ratio)} ${t.pass ? 'PASS' : 'MISS'}`;
  const rows = [];
  for (const [variant, scenarios] of Object.entries(variants)) {
    for (const s of scenarios) {
      rows.push([VARIANT_LABELS[variant], String(s.workers), mark(s.targets.overGenericPool), mark(s.targets.overTarn), mark(s.targets.overFreeList)]);
    }
  }
  printAligned([['variant', 'workers', 'core/generic-pool', 'core/tarn', 'core/free-list'], ...rows]);
  console.log(`\n256 workers, @pool/core: first in a fresh process vs after the other scenarios (target: within ${TARGETS.orderDrift * 100}%)`);
  printAligned([
    ['variant', 'first', 'after 1, 16', 'after/first', 'main run', 'main/first', 'core/free first', 'core/free after'],
    ...Object.entries(order).map(([variant, o]) => [
      VARIANT_LABELS[variant],
      formatOps(o.first.results.core.medianOpsPerSec),
      formatOps(o.after.results.core.medianOpsPerSec),
      `${formatRatio(o.afterOverFirst)} ${o.pass ? 'PASS' : 'MISS'}`,
      formatOps(o.mainRun),
      formatRatio(o.mainOverFirst),
      formatRatio(o.first.ratios.coreOverFreeList.ratio),
      formatRatio(o.after.ratios.coreOverFreeList.ratio),
    ]),
  ]);
}

function formatShort(value) {
  if (value >= 1e6) return `${(value / 1e6).toFixed(2)}M`;
  if (value >= 1e3) return `${Math.round(value / 1e3)}k`;
  return String(Math.round(value));
}

function exposeGc() {
  v8.setFlagsFromString('--expose-gc');
  return vm.runInNewContext('gc');
}

// ---- main ------------------------------------------------------------------------------------------------------

if (ORDER_CHECK) {
  await orderCheck();
} else {
  const machine = machineInfo();
  console.log(`core: acquire+release throughput, ${POOL_SIZE} resources, ${OPS.toLocaleString('en-US')} ops per measurement, shared counter,`);
  console.log(`      fresh pre-warmed pool per measurement, ${WARMUP_ROUNDS} warm-up + ${ROUNDS} rounds, peers rotated each round`);
  console.log(`      ${machine.cpu} x${machine.cores}, node ${machine.node}, ${machine.platform}, ${machine.date}`);
  console.log(`      load average (1 min) at start: ${machine.loadAverage1m.toFixed(2)} (a shared machine: other processes compete for the cores)\n`);

  const samples = await runRounds({ variants: VARIANTS, workerCounts: WORKER_COUNTS, rounds: ROUNDS, warmup: WARMUP_ROUNDS, progress: true });
  const variants = {};
  for (const variant of VARIANTS) variants[variant] = WORKER_COUNTS.map((workers) => summarize(workers, samples[variant][workers]));
  for (const variant of VARIANTS) printVariant(variant, variants[variant]);

  process.stdout.write('\n  order check: 256 workers first, in a fresh process...\n');
  const orderRaw = runOrderCheckChild();
  const order = {};
  for (const variant of VARIANTS) {
    const { first, after } = orderRaw[variant];
    const mainRun = variants[variant].find((s) => s.workers === 256).results.core.medianOpsPerSec;
    const afterOverFirst = after.results.core.medianOpsPerSec / first.results.core.medianOpsPerSec;
    const mainOverFirst = mainRun / first.results.core.medianOpsPerSec;
    const pass = Math.abs(afterOverFirst - 1) <= TARGETS.orderDrift && Math.abs(mainOverFirst - 1) <= TARGETS.orderDrift;
    order[variant] = { first, after, mainRun, afterOverFirst, mainOverFirst, pass };
  }
  printTargets(variants, order);

  console.log(`\nHeap: ${HEAP_CYCLES.toLocaleString('en-US')} acquire/release cycles on one @pool/core pool, heapUsed after forced GC`);
  const heap = [];
  for (const workers of [16, 256]) {
    const h = await measureHeap(workers, HEAP_CYCLES);
    heap.push(h);
    const mb = (bytes) => `${(bytes / 1024 / 1024).toFixed(2)} MB`;
    console.log(
      `  ${String(workers).padStart(3)} workers: ${mb(h.heapUsedBeforeBytes)} -> ${mb(h.heapUsedAfterBytes)} ` +
        `(growth ${mb(h.growthBytes)}; target < 1 MB: ${h.flat ? 'PASS' : 'MISS'})`,
    );
  }
  machine.loadAverage1mAtEnd = os.loadavg()[0];

  const resultsDir = join(here, 'results');
  mkdirSync(resultsDir, { recursive: true });
  const output = {
    section: 'core',
    machine,
    config: { poolSize: POOL_SIZE, opsPerMeasurement: OPS, rounds: ROUNDS, warmupRounds: WARMUP_ROUNDS, workerCounts: WORKER_COUNTS, variants: VARIANTS },
    peers: PEERS.map(({ key, name }) => ({ key, name })),
    targets: TARGETS,
    variants,
    order,
    heap,
  };
  writeFileSync(join(resultsDir, 'core.json'), `${JSON.stringify(output, null, 2)}\n`);
  console.log(`\nwrote ${join('bench', 'results', 'core.json')}`);
}
