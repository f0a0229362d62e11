// @pool/core's OpenTelemetry metrics, exported in the Prometheus text format by OpenTelemetry's Prometheus exporter
// and scraped over HTTP, as Prometheus would. The pool holds in-process "connections" (no server needed).
// Run: node examples/opentelemetry/main.mjs (after `pnpm build`).
import { createServer } from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';
import { PrometheusExporter } from '@opentelemetry/exporter-prometheus';
import { MeterProvider } from '@opentelemetry/sdk-metrics';
import { createPool } from '@pool/core';
import { instrumentPool } from '@pool/core/opentelemetry';

// The exporter is the meter provider's reader; it serves scrapes through our own HTTP server (127.0.0.1, a free
// port) instead of starting one on 9464.
const exporter = new PrometheusExporter({ preventServerStart: true });
const meterProvider = new MeterProvider({ readers: [exporter] });
const server = createServer((request, response) => exporter.getMetricsRequestHandler(request, response));
await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
const { port } = server.address();

let nextId = 0;
const pool = createPool(
  {
    create: async () => {
      await sleep(50); // a connect
      return { id: ++nextId };
    },
    destroy: () => {},
  },
  { size: 2, minIdle: 1, acquireTimeoutMs: 1_000 },
);
const instrumentation = instrumentPool(pool, { name: 'in-memory', meterProvider });

// Two callers hold both connections for 30 ms (after a 50 ms connect); a third waits for one; a fourth gives up
// after 10 ms.
const work = (ms) => pool.use(() => sleep(ms));
const jobs = [work(30), work(30), work(5)];
const gaveUp = pool.acquire({ timeoutMs: 10 }).then(
  (connection) => pool.release(connection).then(() => 'served'),
  (error) => error.code,
);
console.log(`a caller gave up: ${await gaveUp}`);
await Promise.all(jobs);
const held = await pool.acquire(); // one connection in use during the scrape

const scrape = await fetch(`http://127.0.0.1:${port}/metrics`);
console.log(`GET /metrics -> ${scrape.status} ${scrape.headers.get('content-type')}`);
console.log((await scrape.text()).trimEnd());

await pool.release(held);
instrumentation.stop();
await pool.close();
await meterProvider.shutdown();
await new Promise((resolve) => server.close(resolve));
const { created, destroyed } = pool.stats();
console.log(`closed: created ${created}, destroyed ${destroyed}`);
