import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { repoRoot, runProgram, type ProgramResult } from './support/run-program.js';

// `pnpm docs` (typedoc.json) into a temporary directory: the API reference builds from the TSDoc comments of both
// packages with no warning (they are errors: --treatWarningsAsErrors), and has a page per package.

const TYPEDOC_TIMEOUT_MS = 120_000;
let out = '';
let result: ProgramResult;

beforeAll(async () => {
  out = await mkdtemp(join(tmpdir(), 'pool-docs-'));
  const typedoc = join(repoRoot, 'node_modules/.bin/typedoc');
  result = await runProgram(typedoc, ['--treatWarningsAsErrors', '--out', out], { timeoutMs: TYPEDOC_TIMEOUT_MS - 10_000 });
}, TYPEDOC_TIMEOUT_MS);

afterAll(async () => {
  if (out !== '') await rm(out, { recursive: true, force: true });
});

describe('typedoc.json', () => {
  it('builds the API reference without warnings or errors', () => {
    const output = result.stdout + result.stderr;
    expect(output).not.toMatch(/\[(warning|error)\]/);
    expect({ code: result.code, timedOut: result.timedOut }).toEqual({ code: 0, timedOut: false });
  });

  it('has one module page per package, named after it', async () => {
    expect((await readdir(join(out, 'modules'))).sort()).toEqual(['_pool_core.html', '_pool_redis.html']);
  });

  it('documents the main classes of both packages', async () => {
    const classes = await readdir(join(out, 'classes'));
    expect(classes).toEqual(expect.arrayContaining(['_pool_core.Pool.html', '_pool_core.PoolError.html', '_pool_redis.RedisPool.html']));
  });
});
