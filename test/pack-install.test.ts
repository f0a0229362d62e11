import { copyFile, lstat, mkdtemp, readdir, readFile, realpath, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { assertBuilt, repoRoot, runNode, runProgram, type ProgramResult } from './support/run-program.js';

// Installs the packages as a user would: `pnpm pack` each one, then plain `npm install` of the tarballs into a new
// project outside the workspace, and uses them from ESM, CommonJS and type-checked TypeScript. Needs `pnpm build`
// first (`pnpm test` does it) and the npm registry (or npm's cache) for typescript and @types/node.

const INSTALL_TIMEOUT_MS = 110_000;
/** tsc over @types/node takes several seconds, more on a busy machine. */
const TYPECHECK_TIMEOUT_MS = 90_000;
const fixtures = join(repoRoot, 'test/fixtures/pack-install');
const packages = ['core', 'redis'] as const;
let project = '';

/** Fails with the command's output, so a broken pack or install explains itself. */
function expectSuccess(what: string, result: ProgramResult): void {
  if (result.code !== 0 || result.timedOut) {
    throw new Error(`${what} failed (exit ${result.code}, timed out: ${result.timedOut}):\n${result.stdout}\n${result.stderr}`);
  }
}

/** Runs the project's own tsc on one tsconfig and expects no diagnostics. */
async function expectTypeCheckPasses(tsconfig: string): Promise<void> {
  const tscArgs = ['node_modules/typescript/bin/tsc', '-p', tsconfig];
  const checked = await runProgram(process.execPath, tscArgs, { cwd: project, timeoutMs: TYPECHECK_TIMEOUT_MS - 5_000 });
  expect(checked.stdout + checked.stderr).toBe('');
  expect({ code: checked.code, timedOut: checked.timedOut }).toEqual({ code: 0, timedOut: false });
}

beforeAll(async () => {
  assertBuilt();
  project = await mkdtemp(join(tmpdir(), 'pool-pack-install-'));
  const tarballs: string[] = [];
  for (const name of packages) {
    const packed = await runProgram(join(repoRoot, 'node_modules/.bin/pnpm'), ['pack', '--pack-destination', project], {
      cwd: join(repoRoot, 'packages', name),
      timeoutMs: 60_000,
    });
    expectSuccess(`pnpm pack in packages/${name}`, packed);
    const tarball = (await readdir(project)).find((file) => file.startsWith(`pool-${name}-`) && file.endsWith('.tgz'));
    if (tarball === undefined) throw new Error(`pnpm pack left no pool-${name}-*.tgz in ${project}`);
    tarballs.push(`./${tarball}`);
  }
  await writeFile(join(project, 'package.json'), JSON.stringify({ name: 'pool-pack-install-check', version: '0.0.0', private: true }));
  for (const file of await readdir(fixtures)) {
    if (file !== 'README.md') await copyFile(join(fixtures, file), join(project, file));
  }
  // The same sources, type-checked as ES modules (.mts) and as CommonJS (.cts) under node16.
  for (const name of packages) {
    await copyFile(join(fixtures, `${name}-types.ts`), join(project, `${name}-types.mts`));
    await copyFile(join(fixtures, `${name}-types.ts`), join(project, `${name}-types.cts`));
  }
  // ioredis as the user's own dependency: @pool/redis must use that copy (a peer dependency), not bring one.
  const userDependencies = ['ioredis@^5.9.0', 'typescript@~5.9.3', '@types/node@^20.19.0'];
  const installed = await runProgram(
    'npm',
    ['install', ...tarballs, ...userDependencies, '--no-audit', '--no-fund', '--prefer-offline'],
    { cwd: project, timeoutMs: INSTALL_TIMEOUT_MS - 10_000 },
  );
  expectSuccess('npm install of the tarballs', installed);
}, INSTALL_TIMEOUT_MS);

afterAll(async () => {
  if (project !== '') await rm(project, { recursive: true, force: true });
});

describe.each(packages)('the packed @pool/%s', (name) => {
  it('is installed as a copy in the project, not a link into the workspace', async () => {
    const installedAt = join(project, 'node_modules/@pool', name);
    expect((await lstat(installedAt)).isSymbolicLink()).toBe(false);
    expect(await realpath(installedAt)).not.toContain(await realpath(repoRoot));
  });

  it('has no workspace: protocol left in its package.json', async () => {
    const manifest = await readFile(join(project, 'node_modules/@pool', name, 'package.json'), 'utf8');
    expect(manifest).not.toContain('workspace:');
    expect(JSON.parse(manifest)).toMatchObject({ name: `@pool/${name}`, version: expect.stringMatching(/^\d+\.\d+\.\d+/) });
  });

  it('ships its MIT LICENSE and docs next to dist/, and no sources or tests', async () => {
    const installedAt = join(project, 'node_modules/@pool', name);
    const shipped = await readdir(installedAt);
    expect(shipped).toEqual(expect.arrayContaining(['LICENSE', 'README.md', 'CHANGELOG.md', 'ARCHITECTURE.md', 'dist', 'package.json']));
    expect(shipped.filter((file) => ['src', 'test', 'tsconfig.json'].includes(file))).toEqual([]);
    expect(await readFile(join(installedAt, 'LICENSE'), 'utf8')).toBe(await readFile(join(repoRoot, 'packages', name, 'LICENSE'), 'utf8'));
  });
});

describe('@pool/core installed from its tarball', () => {
  it('works from an ES module (import)', async () => {
    const result = await runNode('core-esm.mjs', { cwd: project });
    expectSuccess('node core-esm.mjs', result);
    expect(result.stdout).toBe('esm: acquired #1, then POOL_EXHAUSTED; created 1, destroyed 1\n');
  });

  it('works from a CommonJS module (require)', async () => {
    const result = await runNode('core-cjs.cjs', { cwd: project });
    expectSuccess('node core-cjs.cjs', result);
    expect(result.stdout).toBe('cjs: acquired #1, then POOL_EXHAUSTED; created 1, destroyed 1\n');
  });

  // The checked file holds @ts-expect-error lines that only pass when the package's real types are loaded.
  it('has zero runtime dependencies', async () => {
    const manifest = JSON.parse(await readFile(join(project, 'node_modules/@pool/core/package.json'), 'utf8'));
    expect(manifest.dependencies ?? {}).toEqual({});
    expect(manifest.peerDependencies ?? {}).toEqual({});
  });

  it('type-checks with moduleResolution node16, as ESM and as CommonJS', async () => {
    await expectTypeCheckPasses('tsconfig.node16.json');
  }, TYPECHECK_TIMEOUT_MS);

  it('type-checks with moduleResolution bundler', async () => {
    await expectTypeCheckPasses('tsconfig.bundler.json');
  }, TYPECHECK_TIMEOUT_MS);
});

describe('@pool/redis installed from its tarball, next to @pool/core', () => {
  it('shares the user\'s ioredis and @pool/core instead of bringing second copies', async () => {
    const manifest = JSON.parse(await readFile(join(project, 'node_modules/@pool/redis/package.json'), 'utf8'));
    expect(manifest.peerDependencies).toHaveProperty('ioredis');
    expect(manifest.dependencies).toHaveProperty('@pool/core');
    expect(manifest.dependencies).not.toHaveProperty('ioredis');
    const nested = await readdir(join(project, 'node_modules/@pool/redis/node_modules')).catch(() => []);
    expect(nested).toEqual([]);
  });

  it('executes PING on the local Redis from an ES module (import)', async () => {
    const result = await runNode('redis-esm.mjs', { cwd: project });
    expectSuccess('node redis-esm.mjs', result);
    expect(result.stdout).toBe('esm: PING -> PONG; from a leased ioredis connection; created 1, destroyed 1\n');
  });

  it('executes PING on the local Redis from a CommonJS module (require)', async () => {
    const result = await runNode('redis-cjs.cjs', { cwd: project });
    expectSuccess('node redis-cjs.cjs', result);
    expect(result.stdout).toBe('cjs: PING -> PONG; from a leased ioredis connection; created 1, destroyed 1\n');
  });
});
