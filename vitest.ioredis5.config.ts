import { createRequire } from 'node:module';
import { defineConfig } from 'vitest/config';
import base from './vitest.config.js';

// The redis suite on the other ioredis major: `ioredis5` (npm:ioredis@^5, a workspace dev dependency) stands in for
// `ioredis` in the sources and the tests alike. `.ci/run` runs it; the default run uses ioredis 6.
const ioredis5 = createRequire(import.meta.url).resolve('ioredis5');
const aliases = Object.entries((base.resolve?.alias ?? {}) as Record<string, string>).map(([find, replacement]) => ({ find, replacement }));

export default defineConfig({
  ...base,
  resolve: { ...base.resolve, alias: [{ find: /^ioredis$/, replacement: ioredis5 }, ...aliases] },
  test: {
    ...base.test,
    include: ['packages/redis/test/**/*.test.ts'],
    env: { POOL_IOREDIS_MAJOR: '5' },
  },
});
