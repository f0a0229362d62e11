import { readFile } from 'node:fs/promises';
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
  devDependencies?: Record<string, string>;
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

describe('dependencies', () => {
  it('@pool/core has zero runtime dependencies', async () => {
    const manifest = await manifestOf('core');
    expect(manifest.dependencies ?? {}).toEqual({});
    expect(manifest.peerDependencies ?? {}).toEqual({});
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
