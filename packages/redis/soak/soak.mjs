// Chaos soak of @pool/redis: many callers against a redis-server this script owns, while it is SIGKILLed and
// restarted, SIGSTOPped, has its clients killed and is put to sleep. Prints, per mode: calls, failures by code,
// untyped failures, process warnings, integrity (every INCR counter checked against the server), the longest call,
// recovery per fault and heap before and after. Exits 1 on an integrity violation, an untyped failure, a process
// warning or an unbounded call. Not part of the default test run (a 15-seconds-per-mode version is:
// test/soak/soak.test.ts).
//
//   npx -y pnpm@10.34.8 soak [--duration 180] [--callers 256] [--modes exclusive,multiplexed] [--faults kill,...] [--json]
//
// --duration is in seconds per mode. Needs the built packages (the `soak` script builds them first) and
// `redis-server` on PATH; heap figures need `node --expose-gc` (the `soak` script passes it).

import { Redis } from 'ioredis';
import { createRedisPool } from '../dist/index.mjs';
import { COUNTERS, Ledger, startCallers } from './callers.mjs';
import { FAULT_KINDS, runFaults } from './faults.mjs';
import { SoakServer } from './server.mjs';
import { printReport, summarise } from './report.mjs';

const args = parseArgs(process.argv.slice(2));
const DURATION_S = Number(args.duration ?? 180);
const CALLERS = Number(args.callers ?? 256);
const MODES = String(args.modes ?? 'exclusive,multiplexed').split(',');
const FAULTS = String(args.faults ?? FAULT_KINDS.join(',')).split(',');
/** The pool's options in the soak; the bound of one call follows from them. */
const POOL = { size: 16, acquireTimeoutMs: 2_000, readTimeoutMs: 1_000, connTimeoutMs: 1_000 };
const CALL_BOUND_MS = POOL.acquireTimeoutMs + POOL.connTimeoutMs + POOL.readTimeoutMs + 1_000;
/** The run ends healthy: no fault in its last seconds, so late failures show. */
const QUIET_MS = 2_500;

const warnings = [];
const unhandled = [];
process.on('warning', (warning) => warnings.push(`${warning.name}: ${warning.message}`));
process.on('unhandledRejection', (reason) => unhandled.push(String(reason?.stack ?? reason)));

function parseArgs(argv) {
  const parsed = {};
  for (let index = 0; index < argv.length; index++) {
    const arg = argv[index];
    if (!arg.startsWith('--')) continue;
    const next = argv[index + 1];
    if (next === undefined || next.startsWith('--')) parsed[arg.slice(2)] = true;
    else parsed[arg.slice(2)] = argv[++index];
  }
  return parsed;
}

function heapMb() {
  globalThis.gc?.();
  globalThis.gc?.();
  return process.memoryUsage().heapUsed / 2 ** 20;
}

const log = args.json === true ? () => undefined : (line) => console.log(line);

async function readCounters(port, ledger) {
  const reader = new Redis({ host: '127.0.0.1', port, maxRetriesPerRequest: 3 });
  try {
    const keys = Array.from({ length: COUNTERS }, (_, counter) => ledger.key(counter));
    return (await reader.mget(...keys)).map((value) => Number(value ?? 0));
  } finally {
    reader.disconnect();
  }
}

async function soakMode(mode) {
  const server = await SoakServer.start();
  const warningsBefore = warnings.length;
  const unhandledBefore = unhandled.length;
  const heapBefore = heapMb();
  let ledger = new Ledger(`soak:${mode}:${process.pid}`);
  log(`${mode}: ${CALLERS} callers, ${DURATION_S} s, server on port ${server.port}`);
  const redis = createRedisPool({ host: '127.0.0.1', port: server.port, multiplex: mode === 'multiplexed', encoding: 'utf8', ...POOL });
  const poolErrors = [];
  redis.pool.on('error', (error) => poolErrors.push(error));
  const startedAt = performance.now();
  let callers = startCallers(redis, ledger, CALLERS);
  const faults = await runFaults(server, FAULTS, startedAt + DURATION_S * 1000, QUIET_MS, log);
  const remaining = startedAt + DURATION_S * 1000 - performance.now();
  if (remaining > 0) await new Promise((resolve) => setTimeout(resolve, remaining));
  const unsettled = await callers.stop(CALL_BOUND_MS * 2);
  const endedAt = performance.now();
  let closeError;
  await redis.close({ timeoutMs: 5_000 }).catch((error) => (closeError = error));
  const stats = redis.stats();
  const counters = await readCounters(server.port, ledger);
  await server.stop();
  const report = summarise({
    mode,
    ledger,
    faults,
    counters,
    unsettled,
    callBoundMs: CALL_BOUND_MS,
    durationMs: endedAt - startedAt,
    warnings: warnings.slice(warningsBefore),
    unhandled: unhandled.slice(unhandledBefore),
    closeError: closeError === undefined ? undefined : String(closeError),
    stats,
    poolErrors: poolErrors.length,
  });
  // The ledger (every call's end time) is the soak's, not the pool's: measured without it.
  ledger = undefined;
  callers = undefined;
  // Let the pool's last timers and sockets go before the heap is measured.
  await new Promise((resolve) => setTimeout(resolve, 100));
  report.heapBeforeMb = Math.round(heapBefore * 10) / 10;
  report.heapAfterMb = Math.round(heapMb() * 10) / 10;
  return report;
}

const reports = [];
for (const mode of MODES) {
  if (mode !== 'exclusive' && mode !== 'multiplexed') throw new Error(`unknown mode ${mode}: use exclusive or multiplexed`);
  const report = await soakMode(mode);
  reports.push(report);
  if (args.json !== true) printReport(report);
}
if (args.json === true) console.log(JSON.stringify({ callers: CALLERS, durationS: DURATION_S, pool: POOL, reports }));
process.exitCode = reports.every((report) => report.verdict.passed) ? 0 : 1;
