import { beforeAll, describe, expect, it } from 'vitest';
import { assertBuilt, runNode } from './support/run-program.js';

// `pnpm lint:packages` without its build step: publint (strict) and @arethetypeswrong/cli on each package's tarball.

beforeAll(assertBuilt);

describe('scripts/lint-packages.mjs', () => {
  it('passes publint and attw on the packed @pool/core and @pool/redis', async () => {
    const result = await runNode('scripts/lint-packages.mjs', { timeoutMs: 90_000 });
    expect(result.stdout.match(/^All good!$/gm), result.stdout).toHaveLength(2);
    expect(result.stdout.match(/No problems found/g), result.stdout).toHaveLength(2);
    expect(result.stdout).toContain('lint:packages: every package passes publint and attw');
    expect({ code: result.code, timedOut: result.timedOut }).toEqual({ code: 0, timedOut: false });
  }, 100_000);
});
