import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createServer } from 'node:net';
import { fileURLToPath } from 'node:url';

/** The repository root. */
export const repoRoot = fileURLToPath(new URL('../../', import.meta.url));

/** What a finished child process left behind. */
export interface ProgramResult {
  /** Exit code; `null` when it was killed (see `timedOut`). */
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
  /** True when it outlived its time limit and was killed: a pool that was not closed keeps a program running. */
  readonly timedOut: boolean;
}

/** Options of {@link runProgram}. */
export interface RunOptions {
  /** Working directory. @default the repository root */
  cwd?: string;
  /** Variables added to (or, when `undefined`, removed from) the parent's environment. */
  env?: Record<string, string | undefined>;
  /** Killed after this long (below vitest's 30 s test timeout, so a hang fails with its output). @default 20000 */
  timeoutMs?: number;
}

/** Runs a command to completion and collects its output; never rejects for a non-zero exit. */
export function runProgram(command: string, args: readonly string[], options: RunOptions = {}): Promise<ProgramResult> {
  const env: NodeJS.ProcessEnv = { ...process.env, NO_COLOR: '1' };
  for (const [name, value] of Object.entries(options.env ?? {})) {
    if (value === undefined) delete env[name];
    else env[name] = value;
  }
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd: options.cwd ?? repoRoot, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    let timedOut = false;
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGKILL');
    }, options.timeoutMs ?? 20_000);
    child.once('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    child.once('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr, timedOut });
    });
  });
}

/** Runs `node <file>` (path relative to the repository root). */
export function runNode(file: string, options?: RunOptions): Promise<ProgramResult> {
  return runProgram(process.execPath, [file], options);
}

/** Fails with an actionable message when the packages have not been built (examples run against dist/). */
export function assertBuilt(): void {
  for (const name of ['core', 'redis']) {
    const entry = `${repoRoot}packages/${name}/dist/index.mjs`;
    if (!existsSync(entry)) throw new Error(`${entry} is missing: run \`npx -y pnpm@10.34.8 build\` first (\`npx -y pnpm@10.34.8 test\` does)`);
  }
}

/** A TCP port on 127.0.0.1 that nothing listens on (it was free a moment ago). */
export async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  if (address === null || typeof address === 'string') throw new Error('no TCP address');
  return address.port;
}
