import { existsSync, readFileSync } from 'node:fs';
import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import ts from 'typescript';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectedOutputLines, extractCodeBlocks, firstMissingLine, type CodeBlock } from './support/markdown-blocks.js';
import { assertBuilt, repoRoot, runNode, runProgram } from './support/run-program.js';
import { LOCAL_REDIS, requireServices } from './support/services.js';

// Every ```ts / ```js block of these READMEs is extracted (not copied) and run with node against the built packages,
// each in its own process; the TypeScript ones are also type-checked together. A one-line `console.log(...)` with a
// trailing comment promises that output: `console.log(pool.stats().inUse); // 0` must print a line `0`.
// The only way out is a visible marker with a reason: ```ts no-run <why>.
// (packages/redis/README.md is run by the @pool/redis tests.)

const READMES = ['README.md', 'packages/core/README.md'];
/** Packages a block may import, linked into the scratch project's node_modules when installed here. */
const IMPORTABLE: Record<string, string> = {
  '@pool/core': 'packages/core',
  '@pool/redis': 'packages/redis',
  ioredis: 'node_modules/ioredis',
  'generic-pool': 'node_modules/generic-pool',
  tarn: 'node_modules/tarn',
  pg: 'node_modules/pg',
  '@types/node': 'node_modules/@types/node',
  // @pool/core's own (dev) copies, so a block shares the api instance its instrumentation registers with.
  '@opentelemetry/api': 'packages/core/node_modules/@opentelemetry/api',
  '@opentelemetry/sdk-metrics': 'packages/core/node_modules/@opentelemetry/sdk-metrics',
};
const TYPECHECK_TIMEOUT_MS = 90_000;

interface Sample {
  readonly readme: string;
  readonly block: CodeBlock;
  /** File name in the scratch project, e.g. `packages-core-README.md-L42.mts`. */
  readonly file: string;
}

const samples: Sample[] = READMES.flatMap((readme) =>
  extractCodeBlocks(readFileSync(join(repoRoot, readme), 'utf8')).map((block) => ({
    readme,
    block,
    file: `${readme.replaceAll('/', '-')}-L${block.line}.${block.language === 'ts' ? 'mts' : 'mjs'}`,
  })),
);
let project = '';

beforeAll(async () => {
  assertBuilt();
  project = await mkdtemp(join(tmpdir(), 'pool-readme-'));
  for (const [name, source] of Object.entries(IMPORTABLE)) {
    if (!existsSync(join(repoRoot, source))) continue;
    await mkdir(dirname(join(project, 'node_modules', name)), { recursive: true });
    await symlink(join(repoRoot, source), join(project, 'node_modules', name), 'dir');
  }
  await writeFile(join(project, 'package.json'), JSON.stringify({ name: 'readme-blocks', private: true, type: 'module' }));
  for (const { block, file } of samples) {
    await writeFile(join(project, file), block.code);
    if (block.language === 'ts') await writeFile(join(project, `${file}.run.mjs`), transpile(block.code));
  }
});

afterAll(async () => {
  if (project !== '') await rm(project, { recursive: true, force: true });
});

/** TypeScript to the JavaScript node runs (types erased, `await using` lowered for Node 20). */
function transpile(code: string): string {
  return ts.transpileModule(code, {
    compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022, verbatimModuleSyntax: false },
  }).outputText;
}

describe.each(READMES)('%s', (readme) => {
  const blocks = samples.filter((sample) => sample.readme === readme);

  it(`${readme}: the harness finds every ts/js fence`, () => {
    const fences = readFileSync(join(repoRoot, readme), 'utf8').match(/^\s*(`{3,}|~{3,})\s*(ts|typescript|mts|js|javascript|mjs)\b/gim) ?? [];
    expect(blocks.map((sample) => sample.block.line)).toHaveLength(fences.length);
  });

  for (const { block, file } of blocks) {
    if (block.noRunReason !== undefined) {
      it(`${readme}:${block.line} is marked no-run with a stated reason`, () => {
        expect(block.noRunReason?.length ?? 0).toBeGreaterThanOrEqual(10);
      });
      continue;
    }
    const expected = expectedOutputLines(block.code);
    const promise = expected.length > 0 ? ` and prints the ${expected.length} line(s) its comments promise` : '';
    it(`${readme}:${block.line} (${block.language}) runs to completion${promise}`, async () => {
      if (block.code.includes('@pool/redis')) await requireServices(LOCAL_REDIS);
      const result = await runNode(block.language === 'ts' ? `${file}.run.mjs` : file, { cwd: project });
      const context = `${readme}:${block.line}\n--- stdout\n${result.stdout}--- stderr\n${result.stderr}`;
      expect({ code: result.code, timedOut: result.timedOut, stderr: result.stderr }, context).toEqual({
        code: 0,
        timedOut: false,
        stderr: '',
      });
      expect(firstMissingLine(result.stdout.split('\n'), expected), context).toBeUndefined();
    });
  }
});

describe('TypeScript blocks', () => {
  const typed = samples.filter((sample) => sample.block.language === 'ts' && sample.block.noRunReason === undefined);

  it('type-check (strict, node16) against the built packages\' declarations', async () => {
    expect(typed.length).toBeGreaterThan(0);
    const tsconfig = {
      compilerOptions: {
        module: 'node16',
        moduleResolution: 'node16',
        target: 'ES2022',
        lib: ['ES2022', 'ESNext.Disposable'],
        strict: true,
        noEmit: true,
        skipLibCheck: true,
        types: ['node'],
      },
      files: typed.map((sample) => sample.file),
    };
    await writeFile(join(project, 'tsconfig.json'), JSON.stringify(tsconfig));
    const tsc = join(repoRoot, 'node_modules/typescript/bin/tsc');
    const checked = await runProgram(process.execPath, [tsc, '-p', 'tsconfig.json'], { cwd: project, timeoutMs: TYPECHECK_TIMEOUT_MS - 5_000 });
    // Errors name the scratch file: README.md-L42.mts(3,5) is line 42 + 3 of README.md.
    expect(checked.stdout + checked.stderr).toBe('');
    expect(checked.code).toBe(0);
  }, TYPECHECK_TIMEOUT_MS);
});
