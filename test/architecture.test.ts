import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { repoRoot } from './support/run-program.js';
import { REDIS_LAYERS, sourceFiles } from './support/source-graph.js';

// The ARCHITECTURE.md of each package describes the code as it is: every file it names exists, and (for
// @pool/redis) every source file and folder is in it, in the layers the layout test enforces.

/** The `.ts` file names a document mentions (in code spans, tables and diagrams). */
function namedFiles(text: string): string[] {
  return [...new Set([...text.matchAll(/(?<![\w/.-])((?:[\w-]+\/)*[\w-]+\.ts)\b/g)].map((match) => match[1] ?? ''))];
}

/**
 * Where a named file is: as a path from the package folder (`src/x/y.ts`), from its `src/`, from the repository root
 * (`test/layout.test.ts`), or, for a bare name (`send.ts`), the one file of that name under `src/`.
 */
function whereIs(name: string, packageDir: string, sources: readonly string[]): string | undefined {
  for (const base of [packageDir, join(packageDir, 'src'), repoRoot]) if (existsSync(join(base, name))) return join(base, name);
  if (!name.includes('/')) {
    const matches = sources.filter((file) => file === name || file.endsWith(`/${name}`));
    if (matches.length === 1) return join(packageDir, 'src', matches[0] ?? '');
  }
  return undefined;
}

describe('the file-name check itself', () => {
  it('finds paths and bare names, not file names inside other words or URLs', () => {
    expect(namedFiles('`src/single/redis-pool.ts` and send.ts, see https://x.test/a.ts? and foo.tsx')).toEqual([
      'src/single/redis-pool.ts',
      'send.ts',
    ]);
  });
});

describe.each(['core', 'redis'])('packages/%s/ARCHITECTURE.md', (name) => {
  const packageDir = join(repoRoot, 'packages', name);
  const doc = readFileSync(join(packageDir, 'ARCHITECTURE.md'), 'utf8');
  const sources = sourceFiles(join(packageDir, 'src'));

  it('names only files that exist', () => {
    const named = namedFiles(doc);
    expect(named.length).toBeGreaterThan(3);
    expect(named.filter((file) => whereIs(file, packageDir, sources) === undefined)).toEqual([]);
  });
});

describe('packages/redis/ARCHITECTURE.md layout', () => {
  const packageDir = join(repoRoot, 'packages', 'redis');
  const doc = readFileSync(join(packageDir, 'ARCHITECTURE.md'), 'utf8');
  const sources = sourceFiles(join(packageDir, 'src'));

  it('lists every source file by its path in the layout table', () => {
    expect(sources.filter((file) => !doc.includes(`| \`src/${file}\` |`))).toEqual([]);
  });

  it('draws every folder of src/, and the folders are the layers the layout test enforces', () => {
    const folders = [...new Set(sources.filter((file) => file.includes('/')).map((file) => file.slice(0, file.lastIndexOf('/'))))].sort();
    expect(folders).toEqual(REDIS_LAYERS.flat().filter((folder) => folder !== '').sort());
    const diagram = /## Layout[^\n]*\n+```\n([\s\S]*?)\n```/.exec(doc)?.[1] ?? '';
    expect(folders.filter((folder) => !diagram.includes(`${folder}/`))).toEqual([]);
  });

  it('has a test folder for each source folder', () => {
    const tests = sourceFiles(join(packageDir, 'test'));
    const testFolders = new Set(tests.map((file) => file.split('/')[0]));
    const sourceFolders = REDIS_LAYERS.flat().filter((folder) => folder !== '');
    expect(sourceFolders.filter((folder) => !testFolders.has(folder))).toEqual([]);
  });
});
