import { defineConfig } from 'tsdown';

export default defineConfig({
  // Public entries: the pool, the generic-pool compatible API, and the OpenTelemetry instrumentation
  // (`@pool/core/opentelemetry`), which alone imports `@opentelemetry/api` (an optional peer dependency, kept external).
  entry: { index: 'src/index.ts', 'generic-pool': 'src/generic-pool/index.ts', opentelemetry: 'src/opentelemetry/index.ts' },
  format: ['esm', 'cjs'],
  dts: true,
  sourcemap: true,
  clean: true,
  target: 'node20',
  platform: 'node',
});
