import { existsSync } from 'node:fs';
import { copyFile, lstat, mkdtemp, readdir, readFile, realpath, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { assertBuilt, repoRoot, runNode, runProgram, type ProgramResult } from './support/run-program.js';
import { LOCAL_REDIS, requireServices } from './support/services.js';

// Installs the packages as a user would: `pnpm pack` each one, then plain `npm install` of the tarballs into a new
// project outside the workspace, and uses them from ESM, CommonJS and type-checked TypeScript. Needs `pnpm build`
// first (`pnpm test` does it) and the npm registry (or npm's cache) for typescript and @types/node.

const INSTALL_TIMEOUT_MS = 240_000;
/** tsc over @types/node takes 10-40 s, minutes on a machine busy with other test runs; the limit only stops a hang. */
const TYPECHECK_TIMEOUT_MS = 240_000;
const fixtures = join(repoRoot, 'test/fixtures/pack-install');
const packages = ['core', 'redis'] as const;
/** The packed tarballs (one folder, shared by both projects). */
let packed = '';
/** The README's install line as written: `ioredis` unpinned, so the current major (6 today). */
let project = '';
/** The same install with the previous ioredis major, which `@pool/redis`' peer range also accepts. */
let projectOnIoredis5 = '';

/** Fails with the command's output, so a broken pack or install explains itself. */
function expectSuccess(what: string, result: ProgramResult): void {
  if (result.code !== 0 || result.timedOut) {
    throw new Error(`${what} failed (exit ${result.code}, timed out: ${result.timedOut}):\n${result.stdout}\n${result.stderr}`);
  }
}

/** Runs the project's own tsc on one tsconfig and expects no diagnostics. */
async function expectTypeCheckPasses(tsconfig: string, cwd = project): Promise<void> {
  const tscArgs = ['node_modules/typescript/bin/tsc', '-p', tsconfig];
  const checked = await runProgram(process.execPath, tscArgs, { cwd, timeoutMs: TYPECHECK_TIMEOUT_MS - 5_000 });
  expect(checked.stdout + checked.stderr).toBe('');
  expect({ code: checked.code, timedOut: checked.timedOut }).toEqual({ code: 0, timedOut: false });
}

/**
 * npm as a user's shell runs it: without the `npm_config_*` variables `pnpm test` passes down (npm warns about the
 * pnpm-only ones on stderr).
 */
const userShell: Record<string, undefined> = Object.fromEntries(
  Object.keys(process.env)
    .filter((name) => name.toLowerCase().startsWith('npm_config_'))
    .map((name) => [name, undefined]),
);

/** `npm install <specs>` in a project, as a user types it. */
async function npmInstall(cwd: string, specs: readonly string[]): Promise<void> {
  const installed = await runProgram('npm', ['install', ...specs, '--no-audit', '--no-fund', '--prefer-offline'], {
    cwd,
    env: userShell,
    timeoutMs: INSTALL_TIMEOUT_MS / 2 - 10_000,
  });
  expectSuccess(`npm install ${specs.join(' ')} in ${cwd}`, installed);
}

/**
 * A new npm project holding both tarballs and the user's own ioredis (a peer dependency: `@pool/redis` must use that
 * copy, not bring one), then a second, unrelated install: with a peer range that excludes the user's ioredis, npm only
 * warns on the first install and every later one fails with ERESOLVE.
 */
async function newProject(ioredis: string, thenInstall: readonly string[]): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'pool-pack-install-'));
  await writeFile(join(dir, 'package.json'), JSON.stringify({ name: 'pool-pack-install-check', version: '0.0.0', private: true }));
  for (const file of await readdir(fixtures)) {
    if (file !== 'README.md') await copyFile(join(fixtures, file), join(dir, file));
  }
  // The same sources, type-checked as ES modules (.mts) and as CommonJS (.cts) under node16.
  for (const name of [...packages, 'otel']) {
    await copyFile(join(fixtures, `${name}-types.ts`), join(dir, `${name}-types.mts`));
    await copyFile(join(fixtures, `${name}-types.ts`), join(dir, `${name}-types.cts`));
  }
  for (const extension of ['mts', 'cts']) {
    await copyFile(join(fixtures, 'generic-pool-types.ts'), join(dir, `generic-pool-types.${extension}`));
  }
  await npmInstall(dir, [...packages.map((name) => join(packed, tarballs[name])), ioredis]);
  await npmInstall(dir, thenInstall);
  return dir;
}

const tarballs: Record<(typeof packages)[number], string> = { core: '', redis: '' };
const userTools = ['typescript@~5.9.3', '@types/node@^20.19.0'];

beforeAll(async () => {
  assertBuilt();
  packed = await mkdtemp(join(tmpdir(), 'pool-packed-'));
  for (const name of packages) {
    const result = await runProgram(join(repoRoot, 'node_modules/.bin/pnpm'), ['pack', '--pack-destination', packed], {
      cwd: join(repoRoot, 'packages', name),
      timeoutMs: 60_000,
    });
    expectSuccess(`pnpm pack in packages/${name}`, result);
    const tarball = (await readdir(packed)).find((file) => file.startsWith(`pool-${name}-`) && file.endsWith('.tgz'));
    if (tarball === undefined) throw new Error(`pnpm pack left no pool-${name}-*.tgz in ${packed}`);
    tarballs[name] = tarball;
  }
  [project, projectOnIoredis5] = await Promise.all([newProject('ioredis', userTools), newProject('ioredis@5', userTools)]);
}, INSTALL_TIMEOUT_MS);

afterAll(async () => {
  for (const dir of [project, projectOnIoredis5, packed]) {
    if (dir !== '') await rm(dir, { recursive: true, force: true });
  }
});

/** `npm ls` over the whole tree: exit 0 means no invalid peer, missing or extraneous package. */
async function npmLs(cwd: string, args: readonly string[] = []): Promise<ProgramResult> {
  return runProgram('npm', ['ls', '--all', ...args], { cwd, env: userShell, timeoutMs: 30_000 });
}

describe.each([
  ['ioredis (latest)', () => project, /^6\./],
  ['ioredis@5', () => projectOnIoredis5, /^5\./],
])('a new npm project with both tarballs and %s, after a second npm install', (_, dir, major) => {
  it('installed that ioredis major', async () => {
    const manifest = JSON.parse(await readFile(join(dir(), 'node_modules/ioredis/package.json'), 'utf8'));
    expect(manifest.version).toMatch(major);
  });

  it('is a valid tree (npm ls exits 0)', async () => {
    const listed = await npmLs(dir());
    expect(listed.stderr).toBe('');
    expect({ code: listed.code, timedOut: listed.timedOut }).toEqual({ code: 0, timedOut: false });
  });

  it('holds one copy of @pool/core, used by @pool/redis', async () => {
    const listed = await npmLs(dir(), ['@pool/core', '--parseable']);
    expectSuccess('npm ls @pool/core', listed);
    const copies = listed.stdout.split('\n').filter((line) => line.includes('@pool/core'));
    expect(copies).toEqual([join(await realpath(dir()), 'node_modules/@pool/core')]);
  });

  it('executes PING on the local Redis from ESM and from CommonJS', async () => {
    await requireServices(LOCAL_REDIS);
    const esm = await runNode('redis-esm.mjs', { cwd: dir() });
    expectSuccess('node redis-esm.mjs', esm);
    expect(esm.stdout).toBe('esm: PING -> PONG; from a leased ioredis connection; created 1, destroyed 1\n');
    const cjs = await runNode('redis-cjs.cjs', { cwd: dir() });
    expectSuccess('node redis-cjs.cjs', cjs);
    expect(cjs.stdout).toBe('cjs: PING -> PONG; from a leased ioredis connection; created 1, destroyed 1\n');
  });

  // The checked files hold @ts-expect-error lines that only pass when the package's real types are loaded.
  it('type-checks both packages with moduleResolution node16, as ESM and as CommonJS, on that ioredis\'s types', async () => {
    await expectTypeCheckPasses('tsconfig.node16.json', dir());
  }, TYPECHECK_TIMEOUT_MS);
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

  it('has zero runtime dependencies; its only peer, @opentelemetry/api, is optional', async () => {
    const manifest = JSON.parse(await readFile(join(project, 'node_modules/@pool/core/package.json'), 'utf8'));
    expect(manifest.dependencies ?? {}).toEqual({});
    expect(Object.keys(manifest.peerDependencies ?? {})).toEqual(['@opentelemetry/api']);
    expect(manifest.peerDependenciesMeta).toEqual({ '@opentelemetry/api': { optional: true } });
  });

  it('loads its main entry without @opentelemetry/api installed (npm does not install an optional peer)', async () => {
    expect(existsSync(join(project, 'node_modules/@opentelemetry/api'))).toBe(false);
    const esm = await runNode('core-esm.mjs', { cwd: project });
    expectSuccess('node core-esm.mjs', esm);
    const cjs = await runNode('core-cjs.cjs', { cwd: project });
    expectSuccess('node core-cjs.cjs', cjs);
    // Only the subpath needs the peer, and says so.
    const script = "import('@pool/core/opentelemetry').then(() => console.log('loaded'), (error) => console.log(error.code, error.message))";
    const subpath = await runProgram(process.execPath, ['--input-type=module', '-e', script], { cwd: project, timeoutMs: 30_000 });
    expect(subpath.stdout).toMatch(/^ERR_MODULE_NOT_FOUND .*'@opentelemetry\/api'/);
  });

  // The checked files hold @ts-expect-error lines that only pass when the package's real types are loaded.
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
    // The workspace declares `workspace:^`; the tarball must carry the real range, from the version packed with it.
    const core = JSON.parse(await readFile(join(project, 'node_modules/@pool/core/package.json'), 'utf8'));
    expect(manifest.dependencies['@pool/core']).toBe(`^${core.version}`);
    const nested = await readdir(join(project, 'node_modules/@pool/redis/node_modules')).catch(() => []);
    expect(nested).toEqual([]);
  });
});

describe('@pool/core/generic-pool installed from the @pool/core tarball', () => {
  // The migration is one changed line; these programs are written the way generic-pool users write theirs.
  it('works from an ES module (default and named imports), its errors being @pool/core\'s classes', async () => {
    const result = await runNode('generic-pool-esm.mjs', { cwd: project });
    expectSuccess('node generic-pool-esm.mjs', result);
    expect(result.stdout).toBe('esm: acquired #1 of max 1, then QueueFullError (a PoolError); size 0\n');
  });

  it('works from a CommonJS module (require)', async () => {
    const result = await runNode('generic-pool-cjs.cjs', { cwd: project });
    expectSuccess('node generic-pool-cjs.cjs', result);
    expect(result.stdout).toBe('cjs: acquired #1 of max 1, then QueueFullError (a PoolError); size 0\n');
  });

  // The node16 and bundler checks above include generic-pool-types.ts; node10 (no "exports" support, still common in
  // CommonJS projects that use generic-pool) finds the subpath through its package.json redirect.
  it('type-checks with moduleResolution node10', async () => {
    await expectTypeCheckPasses('tsconfig.node10.json');
  }, TYPECHECK_TIMEOUT_MS);
});

// Last in the file (vitest runs a file's tests in order): the tests above check the install without the optional
// peer, which this one adds.
describe('@pool/core/opentelemetry, once the user installs @opentelemetry/api and the SDK', () => {
  beforeAll(async () => {
    await npmInstall(project, ['@opentelemetry/api@~1.9.0', '@opentelemetry/sdk-metrics@2.12.0']);
  }, INSTALL_TIMEOUT_MS);

  const expected = [
    'db.client.connection.count',
    'db.client.connection.create_time',
    'db.client.connection.idle.max',
    'db.client.connection.idle.min',
    'db.client.connection.max',
    'db.client.connection.pending_requests',
    'db.client.connection.timeouts',
    'db.client.connection.use_time',
    'db.client.connection.wait_time',
  ].join(', ');

  it('records the pool metrics from an ES module (import)', async () => {
    const result = await runNode('otel-esm.mjs', { cwd: project });
    expectSuccess('node otel-esm.mjs', result);
    expect(result.stdout).toBe(`esm: 9 metrics: ${expected}\n`);
  });

  it('records the pool metrics from a CommonJS module (require)', async () => {
    const result = await runNode('otel-cjs.cjs', { cwd: project });
    expectSuccess('node otel-cjs.cjs', result);
    expect(result.stdout).toBe(`cjs: 9 metrics: ${expected}\n`);
  });

  it('type-checks with moduleResolution node16, as ESM and as CommonJS', async () => {
    await expectTypeCheckPasses('tsconfig.otel-node16.json');
  }, TYPECHECK_TIMEOUT_MS);

  it('type-checks with moduleResolution bundler', async () => {
    await expectTypeCheckPasses('tsconfig.otel-bundler.json');
  }, TYPECHECK_TIMEOUT_MS);

  it('type-checks with moduleResolution node10 (no "exports" support), through its package.json redirect', async () => {
    await expectTypeCheckPasses('tsconfig.otel-node10.json');
  }, TYPECHECK_TIMEOUT_MS);
});
