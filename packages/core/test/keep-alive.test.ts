import { describe, expect, it } from 'vitest';
import { assertCoreBuilt, runNodeScript } from './support/child-node.js';

/** The body of a user's script, written for both module systems (`load()` imports or requires the package). */
const EXHAUSTED_POOL = `
  const pool = createPool({ create: () => ({}), destroy: () => {} }, { size: 1 });
  const held = await pool.acquire();
  try {
    await pool.acquire({ timeoutMs: 300 });
    console.log('served');
  } catch (error) {
    console.log(error.code);
  }
  await pool.release(held);
  await pool.close();
`;

const RETRY_AFTER_FAILURE = `
  let calls = 0;
  const pool = createPool(
    {
      create: async () => {
        if (++calls === 1) throw new Error('ECONNREFUSED');
        return {};
      },
      destroy: () => {},
    },
    { size: 1 },
  );
  await pool.acquire().catch((error) => console.log(error.code));
  await new Promise((resolve) => setTimeout(resolve, 300)); // long past the backoff delay
  const resource = await pool.acquire({ timeoutMs: 2_000 });
  console.log('served', pool.stats().created);
  await pool.release(resource);
  await pool.close();
`;

function script(kind: 'esm' | 'cjs', body: string): string {
  return kind === 'esm'
    ? `import { createPool } from POOL_CORE;\n${body}`
    : `const { createPool } = require(POOL_CORE);\n(async () => {\n${body}\n})();`;
}

describe.each(['esm', 'cjs'] as const)('a short %s script', (kind) => {
  // Regression (issue 9, case 4): the script exited (code 13 under ESM, 0 under CommonJS) with the acquire pending.
  it('gets ACQUIRE_TIMEOUT from an exhausted pool instead of exiting with the acquire pending', async () => {
    assertCoreBuilt();
    const result = await runNodeScript(kind, script(kind, EXHAUSTED_POOL));
    expect(result.stderr).toBe('');
    expect(result.stdout).toBe('ACQUIRE_TIMEOUT\n');
    expect(result.code).toBe(0);
  });

  // Regression (issue 9, case 3): after a failed create, a later acquire waited for an unref'd retry timer and the
  // script exited with it pending.
  it('is served by an acquire made after the backoff delay instead of exiting with it pending', async () => {
    assertCoreBuilt();
    const result = await runNodeScript(kind, script(kind, RETRY_AFTER_FAILURE));
    expect(result.stderr).toBe('');
    expect(result.stdout).toBe('CREATE_FAILED\nserved 1\n');
    expect(result.code).toBe(0);
  });
});
