// Helpers shared by the bench sections: timing a round of concurrent callers (wall-clock and CPU), the contenders'
// warm-up and rotated rounds and their medians (redis.mjs, cluster.mjs), machine info, argument parsing and aligned
// console tables (core.mjs uses the last ones too).

import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import os from 'node:os';

/**
 * Runs `callers` concurrent `loop(counter)` calls that share one remaining-operations counter (`counter.left`: each
 * caller takes operations from it until it is empty, so a fast caller does more) and returns ops per wall-clock
 * second, ops per CPU-second of this process, and the seconds it took.
 */
export async function runCallers(callers, ops, loop) {
  const counter = { left: ops };
  const loops = new Array(callers);
  const cpuStart = process.cpuUsage();
  const start = process.hrtime.bigint();
  for (let c = 0; c < callers; c++) loops[c] = loop(counter);
  await Promise.all(loops);
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  const cpu = process.cpuUsage(cpuStart);
  const total = ops - Math.min(0, counter.left);
  return { wall: total / seconds, cpu: total / ((cpu.user + cpu.system) / 1e6), seconds };
}

/** Warm-up of a contender: at least this many rounds, and at least WARMUP_MIN_MS. */
export const WARMUP_ROUNDS = 2;
export const WARMUP_MIN_MS = 500;

/**
 * The contenders' rounds against a Redis: `open(contender)` gives each its client (`undefined` for an external
 * program such as redis-benchmark, which is neither warmed up nor checked), which is warmed up with `warmUp(client)`
 * (WARMUP_ROUNDS rounds and WARMUP_MIN_MS at least) and checked to really talk to Redis (what it SETs, it GETs back).
 * Then `rounds` rounds, each measuring every contender once with `measure(contender, client)`, in an order rotated
 * by one every round. Closes the clients and returns the measurements, `rounds[i]` for `contenders[i]`.
 */
export async function runRounds({ contenders, rounds, open, warmUp, measure }) {
  const clients = [];
  for (const contender of contenders) {
    const client = await open(contender);
    if (client !== undefined) {
      const warmupStart = performance.now();
      for (let i = 0; i < WARMUP_ROUNDS || performance.now() - warmupStart < WARMUP_MIN_MS; i++) await warmUp(client);
      await client.set('bench:check', contender.key);
      const check = await client.get('bench:check');
      if (check !== contender.key) throw new Error(`${contender.name}: GET returned ${String(check)}`);
    }
    clients.push(client);
  }
  const measured = contenders.map(() => []);
  for (let round = 0; round < rounds; round++) {
    for (let k = 0; k < contenders.length; k++) {
      const index = (round + k) % contenders.length;
      measured[index].push(await measure(contenders[index], clients[index]));
    }
  }
  for (const client of clients) await client?.close();
  return measured;
}

/** Per contender key: its name, the median, min, max and every round's ops/s, per CPU-second, and server CPU share. */
export function summarizeRounds(contenders, rounds) {
  const results = {};
  contenders.forEach((contender, i) => {
    const wall = rounds[i].map((m) => m.wall);
    results[contender.key] = {
      name: contender.name,
      medianOpsPerSec: median(wall),
      minOpsPerSec: Math.min(...wall),
      maxOpsPerSec: Math.max(...wall),
      roundsOpsPerSec: wall,
      medianOpsPerCpuSec: median(rounds[i].map((m) => m.cpu)),
      roundsOpsPerCpuSec: rounds[i].map((m) => m.cpu),
      medianServerCpuShare: median(rounds[i].map((m) => m.serverCpuShare)),
    };
  });
  return results;
}

export function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

export const spread = (values) => ({ min: Math.min(...values), max: Math.max(...values) });

export function machineInfo() {
  const cpus = os.cpus();
  const version = spawnSync('redis-server', ['--version'], { encoding: 'utf8' }).stdout ?? '';
  return {
    cpu: cpus[0]?.model ?? 'unknown',
    cores: cpus.length,
    node: process.version,
    platform: `${os.type()} ${os.release()} ${os.arch()}`,
    redisServer: `redis-server ${/v=(\S+)/.exec(version)?.[1] ?? 'unknown'}`,
    commit: gitCommit(),
    loadAverage1m: os.loadavg()[0],
    date: new Date().toISOString(),
  };
}

export function printAligned(table) {
  const widths = table[0].map((_, col) => Math.max(...table.map((row) => row[col].length)));
  const line = (row) => row.map((cell, col) => (col === 0 ? cell.padEnd(widths[col]) : cell.padStart(widths[col]))).join('  ');
  console.log(line(table[0]));
  console.log(widths.map((w) => '-'.repeat(w)).join('  '));
  for (const row of table.slice(1)) console.log(line(row));
}

export const formatOps = (opsPerSec) => Math.round(opsPerSec).toLocaleString('en-US');
export const formatRatio = (ratio) => `${ratio.toFixed(2)}x`;

export function parseArgs(argv) {
  const parsed = {};
  for (let i = 0; i < argv.length; i++) {
    const match = /^--([\w-]+)$/.exec(argv[i]);
    if (match === null) continue;
    const value = Number(argv[i + 1]);
    if (Number.isFinite(value) && value > 0) {
      parsed[match[1]] = value;
      i++;
    }
  }
  return parsed;
}

const require = createRequire(import.meta.url);

/** The installed version of a package the bench imports (for the contenders' names), or '?'. */
export function packageVersion(name) {
  try {
    return require(`${name}/package.json`).version;
  } catch {
    return '?';
  }
}

/** The commit the benchmark ran on (with "+changes" when the work tree differs from it), or 'unknown'. */
export function gitCommit() {
  const head = spawnSync('git', ['rev-parse', '--short', 'HEAD'], { encoding: 'utf8' });
  if (head.status !== 0) return 'unknown';
  const dirty = spawnSync('git', ['status', '--porcelain', '--untracked-files=no', '--', 'packages/*/src'], { encoding: 'utf8' });
  return `${head.stdout.trim()}${dirty.stdout.trim() === '' ? '' : '+changes'}`;
}
