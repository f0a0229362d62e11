import { beforeAll, describe, expect, it } from 'vitest';
import { assertCoreBuilt, builtEntry, runNodeScript } from './support/child-node.js';

// The dual package hazard: one process that loads the ES module build (`import`) and the CommonJS build (`require`),
// say an ESM app using a CommonJS library that uses the pool, holds two copies of every class. `instanceof` must
// still hold across them. Runs in a child process against the built files, as a user's process would load them.

/** Every error class of `@pool/core`, with constructor arguments that make a real instance. */
const SCRIPT = `
import { createRequire } from 'node:module';
const esm = await import(POOL_CORE);
const cjs = createRequire(import.meta.url)(${JSON.stringify(builtEntry.cjs)});
const snapshot = { size: 1, idle: 0, inUse: 1, creating: 0, waiting: 0 };
const args = {
  PoolError: ['POOL_CLOSED', 'closed'],
  PoolExhaustedError: [snapshot],
  QueueFullError: [1, snapshot],
  PoolClosedError: [],
  AcquireTimeoutError: [10, snapshot],
  AcquireAbortedError: ['reason'],
  CreateError: [new Error('refused')],
  CreateTimeoutError: [10],
  DestroyError: [new Error('stuck')],
  DestroyTimeoutError: [10],
  ReleaseError: ['unknown'],
  InvalidOptionError: ['size must be >= 1'],
  InvalidFactoryError: ['create must be a function'],
  InvalidResourceError: ['held already'],
};
const exported = Object.keys(esm).filter((name) => name.endsWith('Error')).sort();
const result = { exported, distinctClasses: esm.PoolError !== cjs.PoolError, matches: {} };
for (const [from, to, fromName, toName] of [[esm, cjs, 'esm', 'cjs'], [cjs, esm, 'cjs', 'esm']]) {
  for (const made of exported) {
    const error = new from[made](...args[made]);
    for (const checked of exported) {
      if (error instanceof to[checked]) (result.matches[fromName + ' ' + made] ??= []).push(toName + ' ' + checked);
    }
  }
}
// A user's own subclass takes no part: nothing of the other build is an instance of it, it is one of the base's.
class MyError extends esm.PoolError {}
result.mine = { otherIsMine: new cjs.PoolError('POOL_CLOSED', 'x') instanceof MyError, mineIsCjsBase: new MyError('POOL_CLOSED', 'x') instanceof cjs.PoolError };
result.foreign = [new Error('x'), { code: 'POOL_CLOSED', name: 'PoolError' }, null, 'PoolError'].map((value) => value instanceof cjs.PoolError);
console.log(JSON.stringify(result));
`;

let result: {
  exported: string[];
  distinctClasses: boolean;
  matches: Record<string, string[]>;
  mine: { otherIsMine: boolean; mineIsCjsBase: boolean };
  foreign: boolean[];
};

beforeAll(async () => {
  assertCoreBuilt();
  const child = await runNodeScript('esm', SCRIPT);
  if (child.code !== 0) throw new Error(`child failed (exit ${child.code}):\n${child.stdout}\n${child.stderr}`);
  result = JSON.parse(child.stdout) as typeof result;
});

describe('errors of the ESM and the CommonJS build loaded in one process', () => {
  it('are two sets of classes (the hazard is real), covering all 14 error classes', () => {
    expect(result.distinctClasses).toBe(true);
    expect(result.exported).toHaveLength(14);
  });

  it.each([
    ['esm', 'cjs'],
    ['cjs', 'esm'],
  ])('an error made by the %s build is an instance of the same class and of PoolError in the %s build, and of no other', (from, to) => {
    for (const name of result.exported) {
      const expected = name === 'PoolError' ? [`${to} PoolError`] : [`${to} ${name}`, `${to} PoolError`].sort();
      expect({ name, matches: (result.matches[`${from} ${name}`] ?? []).sort() }).toEqual({ name, matches: expected });
    }
  });

  it('leaves an unbranded user subclass to ordinary instanceof, and a look-alike object or a plain Error outside', () => {
    expect(result.mine).toEqual({ otherIsMine: false, mineIsCjsBase: true });
    expect(result.foreign).toEqual([false, false, false, false]);
  });
});
