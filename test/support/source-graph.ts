import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import ts from 'typescript';

/**
 * @pool/redis folders from the bottom layer up (`''` is the top level: errors, redact, url, options); folders in one
 * array are siblings and may not import each other. `packages/redis/ARCHITECTURE.md` draws the same layers.
 */
export const REDIS_LAYERS = ['', 'connection', 'typed', ['single', 'routing'], ['hash', 'cluster'], 'sentinel', 'from-url'] as const;

/** The relative imports of each `.ts` file under a source folder: file -> files it imports (paths relative to it). */
export type ImportGraph = ReadonlyMap<string, readonly string[]>;

/** Every `.ts` file under `dir`, as paths relative to `dir` with `/` separators. */
export function sourceFiles(dir: string): string[] {
  return (readdirSync(dir, { recursive: true, encoding: 'utf8' }) as string[])
    .filter((file) => file.endsWith('.ts'))
    .map((file) => file.split(sep).join('/'))
    .sort();
}

/**
 * Reads the imports and re-exports (`import`, `import type`, `export ... from`, `import()`) of every `.ts` file
 * under `dir` with the TypeScript scanner, keeping those of files inside `dir`; `./x.js` resolves to `x.ts`.
 */
export function importGraph(dir: string): ImportGraph {
  const graph = new Map<string, string[]>();
  for (const file of sourceFiles(dir)) {
    const text = readFileSync(join(dir, file), 'utf8');
    const targets = ts
      .preProcessFile(text, true, true)
      .importedFiles.map((imported) => imported.fileName)
      .filter((specifier) => specifier.startsWith('.'))
      .map((specifier) => relative(dir, resolve(dir, dirname(file), specifier.replace(/\.js$/, '.ts'))).split(sep).join('/'));
    graph.set(file, [...new Set(targets)].sort());
  }
  return graph;
}

/** Every import cycle of the graph, each as the files along it (first file repeated at the end), none repeated. */
export function importCycles(graph: ImportGraph): string[][] {
  const cycles: string[][] = [];
  const seen = new Set<string>();
  const state = new Map<string, 'open' | 'done'>();
  const stack: string[] = [];
  const visit = (file: string): void => {
    state.set(file, 'open');
    stack.push(file);
    for (const next of graph.get(file) ?? []) {
      if (state.get(next) === 'open') {
        const cycle = [...stack.slice(stack.indexOf(next)), next];
        const key = [...cycle.slice(0, -1)].sort().join(' ');
        if (!seen.has(key)) {
          seen.add(key);
          cycles.push(cycle);
        }
      } else if (state.get(next) === undefined && graph.has(next)) {
        visit(next);
      }
    }
    stack.pop();
    state.set(file, 'done');
  };
  for (const file of graph.keys()) if (state.get(file) === undefined) visit(file);
  return cycles;
}

/** The folder a source file sits in (`''` for the top level). */
export function folderOf(file: string): string {
  const slash = file.lastIndexOf('/');
  return slash === -1 ? '' : file.slice(0, slash);
}

/**
 * The imports that break the layer order: `layers` lists folders (`''` is the top level) from the bottom up, and
 * names may share a rank when grouped in one array. A file may import its own folder and folders of a lower rank
 * only; a folder with an `index.ts` is imported through that file only. `entry` (the package's `index.ts`) sits above
 * every layer. Files in a folder `layers` does not name are reported too, so a new folder gets a place on purpose.
 */
export function layerViolations(graph: ImportGraph, layers: readonly (string | readonly string[])[], entry = 'index.ts'): string[] {
  const rank = new Map<string, number>();
  layers.forEach((layer, index) => {
    for (const folder of typeof layer === 'string' ? [layer] : layer) rank.set(folder, index);
  });
  const rankOf = (file: string): number | undefined => (file === entry ? layers.length : rank.get(folderOf(file)));
  const folderEntries = new Set([...graph.keys()].filter((file) => file.endsWith('/index.ts')));
  const violations: string[] = [];
  for (const [file, targets] of graph) {
    const from = rankOf(file);
    if (from === undefined) {
      violations.push(`${file}: its folder '${folderOf(file)}' has no layer`);
      continue;
    }
    for (const target of targets) {
      const sameFolder = folderOf(target) === folderOf(file) && file !== entry;
      if (sameFolder) continue;
      const to = rankOf(target);
      if (to === undefined || to >= from) {
        violations.push(`${file} -> ${target}: imports a folder at the same or a higher layer`);
      } else if (folderOf(target) !== '' && folderEntries.has(`${folderOf(target)}/index.ts`) && !target.endsWith('/index.ts')) {
        violations.push(`${file} -> ${target}: reaches past ${folderOf(target)}/index.ts`);
      }
    }
  }
  return violations;
}
