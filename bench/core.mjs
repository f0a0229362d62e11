// Core section of `pnpm bench`: acquire+release throughput of @pool/core against generic-pool, tarn and a bare
// free-list, in one process, plus heap growth over 1,000,000 cycles. Prints what it measured and writes
// bench/results/core.json. Not a test: nothing here passes or fails the build.
//
//   node --expose-gc bench/core.mjs [--ops 200000] [--rounds 7] [--heap-cycles 1000000]

import { mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import v8 from 'node:v8';
import vm from 'node:vm';
import genericPool from 'generic-pool';
import { Pool as TarnPool } from 'tarn';
import { createPool } from '../packages/core/dist/index.mjs';
import { parseArgs, printAligned } from './measure.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const POOL_SIZE = 16;
const WORKER_COUNTS = [1, 16, 256];
const TARGETS = { overGenericPool: 3, overTarn: 2, overFreeList: 0.67 };

const args = parseArgs(process.argv.slice(2));
const OPS_PER_ROUND = args.ops ?? 200_000;
const ROUNDS = args.rounds ?? 7;
const WARMUP_ROUNDS = 2;
const WARMUP_MIN_MS = 500;
const HEAP_CYCLES = args['heap-cycles'] ?? 1_000_000;

const gc = globalThis.gc ?? exposeGc();

// ---- the contenders ------------------------------------------------------------------------------------------

/** Trivial resource and trivial async create/destroy, shared by every pool. */
let nextId = 0;
const factory = {
  create: async () => ({ id: nextId++ }),
  destroy: async () => {},
};

/** The baseline: what a user writes by hand. A free array and a FIFO of resolvers. */
class FreeList {
  #free = [];
  #waiters = [];

  constructor(resources) {
    this.#free.push(...resources);
  }

  acquire() {
    if (this.#free.length > 0) return Promise.resolve(this.#free.pop());
    return new Promise((resolve) => this.#waiters.push(resolve));
  }

  release(resource) {
    const waiter = this.#waiters.shift();
    if (waiter !== undefined) waiter(resource);
    else this.#free.push(resource);
  }
}

/** Each contender: how to make it, one acquire+release loop per worker, how to close it. */
const CONTENDERS = [
  {
    name: '@pool/core',
    key: 'core',
    open: () => createPool(factory, { size: POOL_SIZE, acquireTimeoutMs: Infinity }),
    worker: async (pool, ops) => {
      for (let i = 0; i < ops; i++) {
        const r = await pool.acquire();
        await pool.release(r);
      }
    },
    close: (pool) => pool.close(),
  },
  {
    name: 'generic-pool',
    key: 'genericPool',
    open: () => genericPool.createPool(factory, { max: POOL_SIZE, min: 0 }),
    worker: async (pool, ops) => {
      for (let i = 0; i < ops; i++) {
        const r = await pool.acquire();
        await pool.release(r);
      }
    },
    close: async (pool) => {
      await pool.drain();
      await pool.clear();
    },
  },
  {
    name: 'tarn',
    key: 'tarn',
    open: () => new TarnPool({ create: factory.create, destroy: factory.destroy, min: 0, max: POOL_SIZE }),
    worker: async (pool, ops) => {
      for (let i = 0; i < ops; i++) {
        const r = await pool.acquire().promise;
        await pool.release(r);
      }
    },
    close: (pool) => pool.destroy(),
  },
  {
    name: 'free-list',
    key: 'freeList',
    open: () => new FreeList(Array.from({ length: POOL_SIZE }, () => ({ id: nextId++ }))),
    worker: async (pool, ops) => {
      for (let i = 0; i < ops; i++) {
        const r = await pool.acquire();
        await pool.release(r);
      }
    },
    close: async () => {},
  },
];

// ---- measuring -----------------------------------------------------------------------------------------------

/**
 * One round: `workers` concurrent loops sharing `ops` acquire+release cycles. Returns ops per wall-clock second,
 * and ops per CPU-second of this process (which other processes on a busy machine disturb much less).
 */
async function runRound(contender, pool, workers, ops) {
  const perWorker = Math.ceil(ops / workers);
  const loops = new Array(workers);
  const cpuStart = process.cpuUsage();
  const start = process.hrtime.bigint();
  for (let w = 0; w < workers; w++) loops[w] = contender.worker(pool, perWorker);
  await Promise.all(loops);
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  const cpu = process.cpuUsage(cpuStart);
  const cpuSeconds = (cpu.user + cpu.system) / 1e6;
  return { wall: (perWorker * workers) / seconds, cpu: (perWorker * workers) / cpuSeconds };
}

/** Every contender, warmed up, then ROUNDS rounds each, the order rotated every round so drift hits all alike. */
async function runScenario(workers) {
  const pools = [];
  for (const contender of CONTENDERS) {
    const pool = contender.open();
    // Warm up by rounds and by time: on a busy machine the JIT's background compiles land late, and a scenario
    // whose code path earlier scenarios never took (256 workers: the waiter queue) would otherwise be measured cold.
    const warmupStart = performance.now();
    for (let i = 0; i < WARMUP_ROUNDS || performance.now() - warmupStart < WARMUP_MIN_MS; i++) {
      await runRound(contender, pool, workers, OPS_PER_ROUND / 4);
    }
    pools.push(pool);
  }
  const rounds = CONTENDERS.map(() => []);
  const cpuRounds = CONTENDERS.map(() => []);
  const indexOf = Object.fromEntries(CONTENDERS.map((contender, i) => [contender.key, i]));
  for (let round = 0; round < ROUNDS; round++) {
    for (let k = 0; k < CONTENDERS.length; k++) {
      const index = (round + k) % CONTENDERS.length;
      // No forced gc() here: a full GC while a pool has no waiter collects its waiter class's maps and deoptimizes
      // the code built on them, so every round would re-measure the JIT warming up (see bench/README.md).
      const measured = await runRound(CONTENDERS[index], pools[index], workers, OPS_PER_ROUND);
      rounds[index].push(measured.wall);
      cpuRounds[index].push(measured.cpu);
    }
  }
  for (let i = 0; i < CONTENDERS.length; i++) await CONTENDERS[i].close(pools[i]);

  const results = {};
  CONTENDERS.forEach((contender, i) => {
    const sorted = [...rounds[i]].sort((a, b) => a - b);
    results[contender.key] = {
      name: contender.name,
      medianOpsPerSec: median(sorted),
      minOpsPerSec: sorted[0],
      maxOpsPerSec: sorted[sorted.length - 1],
      roundsOpsPerSec: rounds[i],
      medianOpsPerCpuSec: median([...cpuRounds[i]].sort((a, b) => a - b)),
      roundsOpsPerCpuSec: cpuRounds[i],
    };
  });
  const core = results.core.medianOpsPerSec;
  const ratios = {
    coreOverFreeList: core / results.freeList.medianOpsPerSec,
    genericPoolOverFreeList: results.genericPool.medianOpsPerSec / results.freeList.medianOpsPerSec,
    tarnOverFreeList: results.tarn.medianOpsPerSec / results.freeList.medianOpsPerSec,
    coreOverGenericPool: core / results.genericPool.medianOpsPerSec,
    coreOverTarn: core / results.tarn.medianOpsPerSec,
  };
  const targets = {
    overGenericPool: { target: TARGETS.overGenericPool, ratio: ratios.coreOverGenericPool },
    overTarn: { target: TARGETS.overTarn, ratio: ratios.coreOverTarn },
    overFreeList: { target: TARGETS.overFreeList, ratio: ratios.coreOverFreeList },
  };
  // Per-round ratios pair runs made back to back, so they show how much the machine's load moved the ratio.
  const perRound = (a, b) => rounds[indexOf[a]].map((value, round) => value / rounds[indexOf[b]][round]);
  const spread = (values) => ({ min: Math.min(...values), max: Math.max(...values) });
  targets.overGenericPool.roundRange = spread(perRound('core', 'genericPool'));
  targets.overTarn.roundRange = spread(perRound('core', 'tarn'));
  targets.overFreeList.roundRange = spread(perRound('core', 'freeList'));
  for (const t of Object.values(targets)) t.pass = t.ratio >= t.target;
  const cpuCore = results.core.medianOpsPerCpuSec;
  const cpuRatios = {
    coreOverFreeList: cpuCore / results.freeList.medianOpsPerCpuSec,
    coreOverGenericPool: cpuCore / results.genericPool.medianOpsPerCpuSec,
    coreOverTarn: cpuCore / results.tarn.medianOpsPerCpuSec,
  };
  return { workers, results, ratios, targets, cpuRatios };
}

/** heapUsed after a full GC, before and after `cycles` acquire+release cycles on @pool/core. */
async function measureHeap(workers, cycles) {
  const contender = CONTENDERS[0];
  const pool = contender.open();
  await runRound(contender, pool, workers, 100_000);
  const before = settledHeap();
  await runRound(contender, pool, workers, cycles);
  const after = settledHeap();
  await contender.close(pool);
  const growthBytes = after - before;
  return { workers, cycles, heapUsedBeforeBytes: before, heapUsedAfterBytes: after, growthBytes, flat: growthBytes < 1024 * 1024 };
}

function settledHeap() {
  gc();
  gc();
  return process.memoryUsage().heapUsed;
}

// ---- output --------------------------------------------------------------------------------------------------

function machineInfo() {
  const cpus = os.cpus();
  return {
    cpu: cpus[0]?.model ?? 'unknown',
    cores: cpus.length,
    node: process.version,
    platform: `${os.type()} ${os.release()} ${os.arch()}`,
    loadAverage1m: os.loadavg()[0],
    date: new Date().toISOString(),
  };
}

function printTable(scenarios) {
  const header = ['workers', ...CONTENDERS.map((c) => c.name), 'core/free', 'gp/free', 'tarn/free', 'core/gp', 'core/tarn'];
  const rows = scenarios.map((s) => [
    String(s.workers),
    ...CONTENDERS.map((c) => formatOps(s.results[c.key].medianOpsPerSec)),
    formatRatio(s.ratios.coreOverFreeList),
    formatRatio(s.ratios.genericPoolOverFreeList),
    formatRatio(s.ratios.tarnOverFreeList),
    formatRatio(s.ratios.coreOverGenericPool),
    formatRatio(s.ratios.coreOverTarn),
  ]);
  printAligned([header, ...rows]);
}

function printCpuTable(scenarios) {
  const header = ['workers', ...CONTENDERS.map((c) => c.name), 'core/free', 'core/gp', 'core/tarn'];
  const rows = scenarios.map((s) => [
    String(s.workers),
    ...CONTENDERS.map((c) => formatOps(s.results[c.key].medianOpsPerCpuSec)),
    formatRatio(s.cpuRatios.coreOverFreeList),
    formatRatio(s.cpuRatios.coreOverGenericPool),
    formatRatio(s.cpuRatios.coreOverTarn),
  ]);
  printAligned([header, ...rows]);
}

function printTargets(scenarios) {
  const header = ['workers', `core/gp >= ${TARGETS.overGenericPool}x`, `core/tarn >= ${TARGETS.overTarn}x`, `core/free >= ${TARGETS.overFreeList}x`];
  const cell = (t) =>
    `${formatRatio(t.ratio)} ${t.pass ? 'PASS' : 'MISS'} (rounds ${t.roundRange.min.toFixed(2)}-${t.roundRange.max.toFixed(2)})`;
  const rows = scenarios.map((s) => [String(s.workers), cell(s.targets.overGenericPool), cell(s.targets.overTarn), cell(s.targets.overFreeList)]);
  printAligned([header, ...rows]);
}


const formatOps = (opsPerSec) => Math.round(opsPerSec).toLocaleString('en-US');
const formatRatio = (ratio) => `${ratio.toFixed(2)}x`;
const formatMb = (bytes) => `${(bytes / 1024 / 1024).toFixed(2)} MB`;

function median(sorted) {
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

function exposeGc() {
  v8.setFlagsFromString('--expose-gc');
  return vm.runInNewContext('gc');
}


// ---- main ----------------------------------------------------------------------------------------------------

const machine = machineInfo();
console.log(`core: acquire+release throughput, pool size ${POOL_SIZE}, ${OPS_PER_ROUND.toLocaleString('en-US')} ops/round,`);
console.log(`      ${WARMUP_ROUNDS}+ warm-up rounds (>= ${WARMUP_MIN_MS} ms) + ${ROUNDS} interleaved rounds, median ops/s`);
console.log(`      ${machine.cpu} x${machine.cores}, node ${machine.node}, ${machine.platform}, ${machine.date}`);
console.log(`      load average (1 min) at start: ${machine.loadAverage1m.toFixed(2)}${machine.loadAverage1m > machine.cores / 2 ? ' (busy machine: expect noisy numbers)' : ''}\n`);

const scenarios = [];
for (const workers of WORKER_COUNTS) {
  process.stdout.write(`  running ${workers} worker(s)...\n`);
  scenarios.push(await runScenario(workers));
}
console.log('');
printTable(scenarios);
console.log('\nSame rounds, ops per CPU-second of this process (less disturbed by other load on the machine):');
printCpuTable(scenarios);
console.log('\nTargets (@pool/core vs each; ratio of wall-clock medians, and the range of per-round ratios):');
printTargets(scenarios);

console.log(`\nHeap: ${HEAP_CYCLES.toLocaleString('en-US')} acquire/release cycles on @pool/core, heapUsed after forced GC`);
const heap = [];
for (const workers of [16, 256]) {
  const h = await measureHeap(workers, HEAP_CYCLES);
  heap.push(h);
  console.log(
    `  ${String(workers).padStart(3)} workers: ${formatMb(h.heapUsedBeforeBytes)} -> ${formatMb(h.heapUsedAfterBytes)} ` +
      `(growth ${formatMb(h.growthBytes)}; target < 1 MB: ${h.flat ? 'PASS' : 'MISS'})`,
  );
}

const resultsDir = join(here, 'results');
mkdirSync(resultsDir, { recursive: true });
const output = {
  section: 'core',
  machine,
  config: {
    poolSize: POOL_SIZE,
    opsPerRound: OPS_PER_ROUND,
    rounds: ROUNDS,
    warmupRounds: WARMUP_ROUNDS,
    warmupMinMs: WARMUP_MIN_MS,
    workerCounts: WORKER_COUNTS,
  },
  targets: TARGETS,
  scenarios,
  heap,
};
writeFileSync(join(resultsDir, 'core.json'), `${JSON.stringify(output, null, 2)}\n`);
console.log(`\nwrote ${join('bench', 'results', 'core.json')}`);
