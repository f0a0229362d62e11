import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

const fromRoot = (path: string) => fileURLToPath(new URL(path, import.meta.url));

export default defineConfig({
  resolve: {
    // Tests run against the TypeScript sources; the pack-and-install test covers the built output.
    alias: {
      // Subpath entries first: an alias also matches `@pool/core/...`.
      '@pool/core/generic-pool': fromRoot('./packages/core/src/generic-pool/index.ts'),
      '@pool/core/opentelemetry': fromRoot('./packages/core/src/opentelemetry/index.ts'),
      '@pool/core': fromRoot('./packages/core/src/index.ts'),
      '@pool/redis': fromRoot('./packages/redis/src/index.ts'),
    },
  },
  test: {
    include: ['packages/*/test/**/*.test.ts', 'examples/*/test/**/*.test.ts', 'test/**/*.test.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    restoreMocks: true,
    reporters: ['default', './test/support/summary-reporter.ts'],
  },
});
