import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { repoRoot } from './support/run-program.js';

// What a published package.json needs, beyond what publint checks.

interface Manifest {
  name?: string;
  version?: string;
  description?: string;
  license?: string;
  type?: string;
  sideEffects?: unknown;
  engines?: Record<string, string>;
  files?: string[];
  repository?: { type?: string; url?: string; directory?: string };
  exports?: Record<string, unknown>;
  dependencies?: Record<string, string>;
  peerDependencies?: Record<string, string>;
  peerDependenciesMeta?: Record<string, { optional?: boolean }>;
  devDependencies?: Record<string, string>;
}

/** package.json of every @opentelemetry/* package in pnpm's store of this install. */
async function openTelemetryManifests(): Promise<string[]> {
  const store = join(repoRoot, 'node_modules/.pnpm');
  const entries = (await readdir(store)).filter((entry) => entry.startsWith('@opentelemetry+'));
  return entries.map((entry) => {
    const name = entry.slice(0, entry.indexOf('@', 1)).replace('+', '/');
    return join(store, entry, 'node_modules', name, 'package.json');
  });
}

/**
 * Whether an `engines.node` range accepts a version. Handles what the OpenTelemetry packages use: `||` of
 * `>=x[.y[.z]]`, `^x.y.z` and `>=a <b` comparators; anything else fails the test instead of being guessed.
 */
function acceptsNode(range: string, version: [number, number, number]): boolean {
  return range.split('||').some((alternative) =>
    alternative
      .trim()
      .replace(/(>=|<|\^)\s+/g, '$1')
      .split(/\s+/)
      .every((comparator) => {
        const match = /^(>=|<|\^)(\d+)(?:\.(\d+))?(?:\.(\d+))?$/.exec(comparator);
        if (match === null) throw new Error(`unsupported engines comparator: ${comparator}`);
        const bound: [number, number, number] = [Number(match[2]), Number(match[3] ?? 0), Number(match[4] ?? 0)];
        const order = compareVersions(version, bound);
        if (match[1] === '>=') return order >= 0;
        if (match[1] === '<') return order < 0;
        return order >= 0 && version[0] === bound[0];
      }),
  );
}

function compareVersions(a: [number, number, number], b: [number, number, number]): number {
  for (let index = 0; index < 3; index++) {
    const difference = (a[index] ?? 0) - (b[index] ?? 0);
    if (difference !== 0) return difference;
  }
  return 0;
}

async function manifestOf(name: string): Promise<Manifest> {
  return JSON.parse(await readFile(join(repoRoot, 'packages', name, 'package.json'), 'utf8')) as Manifest;
}

describe.each(['core', 'redis'])('packages/%s/package.json', (name) => {
  it('names the package, its version, description, license and Node range', async () => {
    const manifest = await manifestOf(name);
    expect(manifest.name).toBe(`@pool/${name}`);
    expect(manifest.version).toMatch(/^\d+\.\d+\.\d+(-[\w.]+)?$/);
    expect(manifest.description?.length).toBeGreaterThan(20);
    expect(manifest.license).toBe('MIT');
    expect(manifest.engines?.node).toMatch(/^>=\d+/);
  });

  it('holds no invented repository URL (the field stays out until there is a real one)', async () => {
    const manifest = await manifestOf(name);
    const url = manifest.repository?.url;
    if (url !== undefined) {
      expect(url).toMatch(/^git\+https:\/\//);
      expect(new URL(url.replace(/^git\+/, '')).hostname).not.toMatch(/(^|\.)(example|invalid|localhost|test)(\.|$)/);
    }
    expect(await readFile(join(repoRoot, 'packages', name, 'package.json'), 'utf8')).not.toMatch(/example\.(invalid|com|org)/);
  });

  it('ships an MIT LICENSE, the same text as the repository root one', async () => {
    const manifest = await manifestOf(name);
    expect(manifest.files).toContain('LICENSE');
    const license = await readFile(join(repoRoot, 'packages', name, 'LICENSE'), 'utf8');
    expect(license).toMatch(/^MIT License\n/);
    expect(license).toContain('Permission is hereby granted, free of charge');
    expect(license).toBe(await readFile(join(repoRoot, 'LICENSE'), 'utf8'));
  });

  it('publishes dist/ only (plus docs and a package.json redirect per subpath export), declares no side effects', async () => {
    const manifest = await manifestOf(name);
    expect(manifest.files).toContain('dist');
    // `<subpath>/package.json` lets tools without "exports" support (TypeScript's node10 resolution) find a subpath.
    const redirects = Object.keys(manifest.exports ?? {})
      .filter((subpath) => subpath !== '.' && subpath !== './package.json')
      .map((subpath) => `${subpath.slice(2)}/package.json`);
    const allowed = ['dist', 'README.md', 'CHANGELOG.md', 'ARCHITECTURE.md', 'LICENSE', ...redirects];
    expect(manifest.files?.filter((file) => !allowed.includes(file))).toEqual([]);
    expect(manifest.sideEffects).toBe(false);
  });

  it('exports import and require entry points, each with its types condition first', async () => {
    const manifest = await manifestOf(name);
    const root = manifest.exports?.['.'] as Record<string, Record<string, string>>;
    expect(Object.keys(root)).toEqual(['import', 'require']);
    expect(Object.keys(root.import ?? {})).toEqual(['types', 'default']);
    expect(Object.keys(root.require ?? {})).toEqual(['types', 'default']);
    expect(root.import).toEqual({ types: './dist/index.d.mts', default: './dist/index.mjs' });
    expect(root.require).toEqual({ types: './dist/index.d.cts', default: './dist/index.cjs' });
  });
});

describe('@pool/core/opentelemetry', () => {
  it('is exported for import and require, each with its types condition first, like the main entry', async () => {
    const manifest = await manifestOf('core');
    expect(Object.keys(manifest.exports ?? {})).toContain('./opentelemetry');
    const subpath = manifest.exports?.['./opentelemetry'] as Record<string, Record<string, string>>;
    expect(subpath).toEqual({
      import: { types: './dist/opentelemetry.d.mts', default: './dist/opentelemetry.mjs' },
      require: { types: './dist/opentelemetry.d.cts', default: './dist/opentelemetry.cjs' },
    });
    expect(Object.keys(subpath.import ?? {})).toEqual(['types', 'default']);
    expect(Object.keys(subpath.require ?? {})).toEqual(['types', 'default']);
  });

  it('resolves without "exports" support too (TypeScript\'s node10), through opentelemetry/package.json', async () => {
    const manifest = await manifestOf('core');
    expect(manifest.files).toContain('opentelemetry/package.json');
    const redirect = JSON.parse(await readFile(join(repoRoot, 'packages/core/opentelemetry/package.json'), 'utf8'));
    expect(redirect).toMatchObject({
      main: '../dist/opentelemetry.cjs',
      module: '../dist/opentelemetry.mjs',
      types: '../dist/opentelemetry.d.cts',
    });
  });

  it('is built from its own entry by tsdown', async () => {
    const config = await readFile(join(repoRoot, 'packages/core/tsdown.config.ts'), 'utf8');
    expect(config).toContain("opentelemetry: 'src/opentelemetry/index.ts'");
  });
});

describe('dependencies', () => {
  it('@pool/core has zero runtime dependencies; @opentelemetry/api is an optional peer only', async () => {
    const manifest = await manifestOf('core');
    expect(manifest.dependencies ?? {}).toEqual({});
    expect(manifest.peerDependencies).toEqual({ '@opentelemetry/api': expect.stringMatching(/^\^1\.\d+\.\d+$/) });
    expect(manifest.peerDependenciesMeta).toEqual({ '@opentelemetry/api': { optional: true } });
  });

  it('every OpenTelemetry package installed for the tests and examples supports Node 20.19', async () => {
    const checked: string[] = [];
    for (const manifestPath of await openTelemetryManifests()) {
      const manifest = JSON.parse(await readFile(manifestPath, 'utf8')) as Manifest;
      const range = manifest.engines?.node;
      if (range === undefined) continue;
      expect(acceptsNode(range, [20, 19, 0]), `${manifest.name}@${manifest.version}: engines.node ${range}`).toBe(true);
      checked.push(`${manifest.name}@${manifest.version}`);
    }
    expect(checked).toEqual(expect.arrayContaining([expect.stringMatching(/^@opentelemetry\/api@/), expect.stringMatching(/^@opentelemetry\/sdk-metrics@/)]));
  });

  it('@pool/redis takes ioredis 5 or 6 as a peer (the user\'s copy) and @pool/core from the workspace', async () => {
    const manifest = await manifestOf('redis');
    expect(manifest.peerDependencies?.ioredis).toBe('^5.9.0 || ^6.0.0');
    expect(manifest.dependencies).not.toHaveProperty('ioredis');
    // The workspace tests on ioredis 6; test/pack-install.test.ts and the ioredis 5 run cover the other major.
    expect(manifest.devDependencies?.ioredis).toMatch(/^\^6\./);
    // pnpm pack rewrites workspace:^ to ^<version>: a caret range, so one @pool/core serves both packages.
    expect(manifest.dependencies?.['@pool/core']).toBe('workspace:^');
  });
});
