import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

/** The built entry points of `@pool/core` (`pnpm test` builds them before vitest runs). */
export const builtEntry = {
  esm: fileURLToPath(new URL('../../dist/index.mjs', import.meta.url)),
  cjs: fileURLToPath(new URL('../../dist/index.cjs', import.meta.url)),
} as const;

/** What a child Node process left behind. */
export interface ChildResult {
  /** Exit code; `null` when it was killed after its time limit. */
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** Fails with an actionable message when `dist/` is missing. */
export function assertCoreBuilt(): void {
  for (const entry of Object.values(builtEntry)) {
    if (!existsSync(entry)) throw new Error(`${entry} is missing: run \`npx pnpm build\` first (\`pnpm test\` does)`);
  }
}

/**
 * Runs `source` as a script file of its own (`.mjs` or `.cjs`) in a fresh Node process, as a user's script would
 * run. `POOL_CORE` in the source is replaced by the built entry point for that module system. Killed after
 * `timeoutMs` (then `code` is `null`).
 */
export function runNodeScript(
  kind: 'esm' | 'cjs',
  source: string,
  options: { nodeArgs?: readonly string[]; timeoutMs?: number } = {},
): Promise<ChildResult> {
  const directory = mkdtempSync(join(tmpdir(), 'pool-core-child-'));
  const file = join(directory, kind === 'esm' ? 'script.mjs' : 'script.cjs');
  const entry = kind === 'esm' ? pathToFileURL(builtEntry.esm).href : builtEntry.cjs;
  writeFileSync(file, source.replaceAll('POOL_CORE', JSON.stringify(entry)));
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [...(options.nodeArgs ?? []), file], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 20_000);
    const cleanUp = (): void => {
      clearTimeout(timer);
      rmSync(directory, { recursive: true, force: true });
    };
    child.once('error', (error) => {
      cleanUp();
      reject(error);
    });
    child.once('close', (code) => {
      cleanUp();
      resolve({ code, stdout, stderr });
    });
  });
}
