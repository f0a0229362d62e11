import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('../../../../', import.meta.url));
const SOAK = fileURLToPath(new URL('../../soak/soak.mjs', import.meta.url));

interface SoakReport {
  mode: string;
  calls: number;
  successes: number;
  failures: Record<string, number>;
  untypedSamples: string[];
  warnings: string[];
  unhandledRejections: string[];
  integrityViolations: unknown[];
  longestCallMs: number;
  callBoundMs: number;
  unsettledCalls: number;
  faults: { kind: string; recoveryMs: number | null }[];
  verdict: { passed: boolean; hard: Record<string, boolean> };
}

/** Runs the soak script as its own process (it needs the built packages, which `pnpm test` builds first). */
function runSoak(args: string[], boundMs: number): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--expose-gc', SOAK, ...args, '--json'], { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString('utf8')));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
    const timer = setTimeout(() => child.kill('SIGKILL'), boundMs);
    child.once('error', reject);
    child.once('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

describe('chaos soak, short version', () => {
  it('256 callers through kills, stops, client kills and sleeps of the server: no lost write, untyped failure, warning or unbounded call', { timeout: 120_000 }, async () => {
    expect(existsSync(new URL('../../dist/index.mjs', import.meta.url)), 'the soak runs on the built package: pnpm run build').toBe(true);
    const { code, stdout, stderr } = await runSoak(['--duration', '15', '--callers', '256'], 100_000);
    const output = JSON.parse(stdout.trim().split('\n').at(-1) ?? '{}') as { reports?: SoakReport[] };
    const reports = output.reports ?? [];
    expect(reports.map((report) => report.mode), stderr).toEqual(['exclusive', 'multiplexed']);
    for (const report of reports) {
      expect(report.calls, report.mode).toBeGreaterThan(1000);
      expect(report.faults.length, report.mode).toBeGreaterThanOrEqual(2);
      expect(report.integrityViolations, report.mode).toEqual([]);
      expect(report.untypedSamples, report.mode).toEqual([]);
      expect(report.failures['untyped'] ?? 0, report.mode).toBe(0);
      expect(report.warnings, report.mode).toEqual([]);
      expect(report.unhandledRejections, report.mode).toEqual([]);
      expect(report.unsettledCalls, report.mode).toBe(0);
      expect(report.longestCallMs, report.mode).toBeLessThanOrEqual(report.callBoundMs);
      expect(report.verdict.hard, report.mode).toEqual(Object.fromEntries(Object.keys(report.verdict.hard).map((name) => [name, true])));
    }
    expect(code).toBe(0);
  });
});
