import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

// The pattern of packages/core/test/support/child-node.ts, for the built @pool/redis.

/** The built ES module entry of `@pool/redis` (`pnpm test` builds it before vitest runs). */
const builtEntry = fileURLToPath(new URL('../../dist/index.mjs', import.meta.url));

/** What a child Node process left behind. */
export interface ChildResult {
  /** Exit code; `null` when it was killed after its time limit. */
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/**
 * Runs `source` as an ES module script of its own in a fresh Node process, as a user's script would run.
 * `POOL_REDIS` in the source is replaced by the built entry point. Killed after `timeoutMs` (then `code` is `null`).
 * @throws Error with an actionable message when `dist/` is missing.
 */
export function runRedisScript(source: string, options: { nodeArgs?: readonly string[]; timeoutMs?: number } = {}): Promise<ChildResult> {
  if (!existsSync(builtEntry)) throw new Error(`${builtEntry} is missing: run \`npx -y pnpm@10.34.8 run build\` first (\`pnpm test\` does)`);
  const directory = mkdtempSync(join(tmpdir(), 'pool-redis-child-'));
  const file = join(directory, 'script.mjs');
  writeFileSync(file, source.replaceAll('POOL_REDIS', JSON.stringify(pathToFileURL(builtEntry).href)));
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
