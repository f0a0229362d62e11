// Turns a soak run's ledger into figures and a verdict, and prints them.

/** Recovery target of the issue: median at most 1 s and none over 2.5 s, after a kill or a stop. */
export const RECOVERY_MEDIAN_MS = 1_000;
export const RECOVERY_MAX_MS = 2_500;
/** After this long past a fault's recovery, no call may fail. */
export const HEALED_AFTER_MS = 2_000;

function median(values) {
  if (values.length === 0) return undefined;
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

/** The first success that ended at or after `instant`, by binary search over the ordered success ends. */
function firstSuccessAfter(ends, instant) {
  let low = 0;
  let high = ends.length;
  while (low < high) {
    const middle = (low + high) >>> 1;
    if (ends[middle] < instant) low = middle + 1;
    else high = middle;
  }
  return ends[low];
}

export function summarise(run) {
  const { ledger, faults } = run;
  const recoveries = faults.map((fault) => {
    const first = firstSuccessAfter(ledger.successEnds, fault.recoveredAt);
    return {
      kind: fault.kind,
      downMs: Math.round(fault.recoveredAt - fault.startedAt),
      recoveryMs: first === undefined ? null : Math.round(first - fault.recoveredAt),
    };
  });
  const windows = faults.map((fault) => [fault.startedAt, fault.recoveredAt]);
  const overlapsFault = (start, end) => windows.some(([from, to]) => start <= to && end >= from);
  const nextFaultAfter = (instant) => faults.find((fault) => fault.startedAt > instant)?.startedAt ?? Infinity;
  const lastRecoveryBefore = (instant) => {
    let last = -Infinity;
    for (const fault of faults) if (fault.recoveredAt <= instant) last = fault.recoveredAt;
    return last;
  };
  let failuresAfterHealing = 0;
  let healthyAcquireTimeouts = 0;
  const lateCodes = new Map();
  for (const [start, end, code] of ledger.failures) {
    const healedAt = lastRecoveryBefore(start) + HEALED_AFTER_MS;
    if (start >= healedAt && end < nextFaultAfter(start) && !overlapsFault(start, end)) {
      failuresAfterHealing++;
      lateCodes.set(code, (lateCodes.get(code) ?? 0) + 1);
    }
    if (code === 'ACQUIRE_TIMEOUT' && !overlapsFault(start, end)) healthyAcquireTimeouts++;
  }
  const integrity = [];
  run.counters.forEach((value, counter) => {
    const low = ledger.acknowledged[counter];
    const high = low + ledger.mayHaveRun[counter];
    if (value < low || value > high) integrity.push({ counter, server: value, acknowledged: low, mayHaveRun: ledger.mayHaveRun[counter] });
  });
  const timed = recoveries.filter((recovery) => (recovery.kind === 'kill' || recovery.kind === 'stop') && recovery.recoveryMs !== null);
  const recoveryMedianMs = median(timed.map((recovery) => recovery.recoveryMs));
  const recoveryMaxMs = timed.length === 0 ? undefined : Math.max(...timed.map((recovery) => recovery.recoveryMs));
  const neverRecovered = recoveries.filter((recovery) => recovery.recoveryMs === null).length;
  const overBound = ledger.longestCallMs > run.callBoundMs;
  const failures = Object.fromEntries([...ledger.failuresByCode].sort((a, b) => b[1] - a[1]));
  const hard = {
    integrity: integrity.length === 0,
    untyped: (ledger.failuresByCode.get('untyped') ?? 0) === 0,
    warnings: run.warnings.length === 0,
    unhandledRejections: run.unhandled.length === 0,
    bounded: run.unsettled === 0 && !overBound,
    closed: run.closeError === undefined && run.stats.created === run.stats.destroyed,
  };
  const target = {
    recoveryMedian: recoveryMedianMs === undefined || recoveryMedianMs <= RECOVERY_MEDIAN_MS,
    recoveryMax: recoveryMaxMs === undefined || recoveryMaxMs <= RECOVERY_MAX_MS,
    everyFaultRecovered: neverRecovered === 0,
    noFailureAfterHealing: failuresAfterHealing === 0,
    noHealthyAcquireTimeout: healthyAcquireTimeouts === 0,
  };
  return {
    mode: run.mode,
    durationS: Math.round(run.durationMs / 100) / 10,
    calls: ledger.calls,
    successes: ledger.successes,
    callsPerSecond: Math.round(ledger.calls / (run.durationMs / 1000)),
    failures,
    untypedSamples: ledger.untyped,
    warnings: run.warnings,
    unhandledRejections: run.unhandled,
    integrityViolations: integrity,
    longestCallMs: Math.round(ledger.longestCallMs),
    callBoundMs: run.callBoundMs,
    unsettledCalls: run.unsettled,
    faults: recoveries,
    recoveryMedianMs,
    recoveryMaxMs,
    failuresAfterHealing,
    lateFailureCodes: Object.fromEntries(lateCodes),
    healthyAcquireTimeouts,
    /** Set by the caller once the run's own records are gone. */
    heapBeforeMb: 0,
    heapAfterMb: 0,
    poolStats: { created: run.stats.created, destroyed: run.stats.destroyed, createErrors: run.stats.createErrors, timeouts: run.stats.timeouts },
    poolErrorEvents: run.poolErrors,
    closeError: run.closeError,
    verdict: { passed: Object.values(hard).every(Boolean), hard, target, metTarget: Object.values(target).every(Boolean) },
  };
}

export function printReport(report) {
  const yes = (ok) => (ok ? 'ok' : 'FAILED');
  const lines = [
    `${report.mode}: ${report.calls} calls in ${report.durationS} s (${report.callsPerSecond}/s), ${report.successes} succeeded`,
    `  failures by code: ${JSON.stringify(report.failures)}`,
    `  untyped failures: ${report.failures.untyped ?? 0}${report.untypedSamples.length > 0 ? `\n    ${report.untypedSamples.join('\n    ')}` : ''}`,
    `  process warnings: ${report.warnings.length}${report.warnings.length > 0 ? ` (${[...new Set(report.warnings)].slice(0, 3).join('; ')})` : ''}`,
    `  unhandled rejections: ${report.unhandledRejections.length}`,
    `  integrity: ${report.integrityViolations.length === 0 ? 'every INCR counter within [acknowledged, acknowledged + may-have-run]' : JSON.stringify(report.integrityViolations)}`,
    `  longest call: ${report.longestCallMs} ms (bound ${report.callBoundMs} ms), unsettled at the end: ${report.unsettledCalls}`,
    `  faults: ${report.faults.map((fault) => `${fault.kind} down ${fault.downMs} ms → first success +${fault.recoveryMs ?? 'never'} ms`).join('; ')}`,
    `  recovery after kill/stop: median ${report.recoveryMedianMs ?? '-'} ms, max ${report.recoveryMaxMs ?? '-'} ms`,
    `  failures 2 s after a fault healed: ${report.failuresAfterHealing} ${JSON.stringify(report.lateFailureCodes)}`,
    `  ACQUIRE_TIMEOUTs against a healthy server: ${report.healthyAcquireTimeouts}`,
    `  heap: ${report.heapBeforeMb} MB before, ${report.heapAfterMb} MB after close`,
    `  pool: ${JSON.stringify(report.poolStats)}, error events ${report.poolErrorEvents}${report.closeError === undefined ? '' : `, close failed: ${report.closeError}`}`,
    `  verdict: ${Object.entries(report.verdict.hard).map(([name, ok]) => `${name} ${yes(ok)}`).join(', ')}`,
    `  recovery target: ${Object.entries(report.verdict.target).map(([name, ok]) => `${name} ${yes(ok)}`).join(', ')}`,
  ];
  console.log(lines.join('\n'));
}
