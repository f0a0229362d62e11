import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { importCycles, importGraph, layerViolations, REDIS_LAYERS, type ImportGraph } from './support/source-graph.js';

// The source layout rules of both packages, read from their import statements.
// @pool/redis: one folder per concept, importing downwards only:
//   index.ts -> from-url -> sentinel -> hash, cluster -> single, routing -> typed (pool.commands) -> connection ->
//   top-level files (errors.ts, redact.ts, url.ts, options.ts).

const coreSrc = fileURLToPath(new URL('../packages/core/src', import.meta.url));
const redisSrc = fileURLToPath(new URL('../packages/redis/src', import.meta.url));


const graphOf = (edges: Record<string, string[]>): ImportGraph => new Map(Object.entries(edges));

describe('the import checks themselves', () => {
  it('find a cycle through three files and none in a tree', () => {
    expect(importCycles(graphOf({ 'a.ts': ['b.ts'], 'b.ts': ['c.ts'], 'c.ts': ['a.ts'] }))).toEqual([['a.ts', 'b.ts', 'c.ts', 'a.ts']]);
    expect(importCycles(graphOf({ 'a.ts': ['b.ts', 'c.ts'], 'b.ts': ['c.ts'], 'c.ts': [] }))).toEqual([]);
  });

  it('report an import upwards, between siblings, past a folder entry and from an unplaced folder', () => {
    const graph = graphOf({
      'index.ts': ['top/x.ts'],
      'errors.ts': ['low/a.ts'],
      'low/a.ts': ['errors.ts'],
      'mid/b.ts': ['side/c.ts'],
      'side/c.ts': ['low/a.ts'],
      'top/x.ts': ['gate/y.ts'],
      'gate/index.ts': ['gate/y.ts'],
      'gate/y.ts': [],
      'stray/z.ts': [],
    });
    expect(layerViolations(graph, ['', 'low', 'gate', ['mid', 'side'], 'top'])).toEqual([
      'errors.ts -> low/a.ts: imports a folder at the same or a higher layer',
      'mid/b.ts -> side/c.ts: imports a folder at the same or a higher layer',
      'top/x.ts -> gate/y.ts: reaches past gate/index.ts',
      "stray/z.ts: its folder 'stray' has no layer",
    ]);
  });
});

describe('@pool/redis source layout', () => {
  const graph = importGraph(redisSrc);

  it('reads the imports of every file (the graph is not empty)', () => {
    expect(graph.get('index.ts')).toContain('single/redis-pool.ts');
    expect(graph.get('cluster/cluster-pool.ts')).toContain('errors.ts');
  });

  it('has no import cycle', () => {
    expect(importCycles(graph)).toEqual([]);
  });

  it('imports downwards only: from-url, sentinel, hash and cluster, single and routing, connection, top level', () => {
    expect(layerViolations(graph, REDIS_LAYERS)).toEqual([]);
  });
});

describe('@pool/core source layout', () => {
  const graph = importGraph(coreSrc);

  it('reads the imports of every file (the graph is not empty)', () => {
    expect(graph.get('index.ts')).toContain('pool.ts');
  });

  it('has no import cycle', () => {
    expect(importCycles(graph)).toEqual([]);
  });
});
