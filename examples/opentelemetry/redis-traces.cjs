// OpenTelemetry's ioredis instrumentation under @pool/redis: each command's span must sit under the span of the
// caller that issued it, even when callers in different traces run at once and the pool batches their writes.
// Needs Redis at REDIS_URL (default 127.0.0.1:6379). Run: node examples/opentelemetry/redis-traces.cjs
// CommonJS on purpose: the instrumentation patches ioredis when it is require()d, so it is registered first.
'use strict';
const { trace } = require('@opentelemetry/api');
const { registerInstrumentations } = require('@opentelemetry/instrumentation');
const { IORedisInstrumentation } = require('@opentelemetry/instrumentation-ioredis');
const { InMemorySpanExporter, SimpleSpanProcessor } = require('@opentelemetry/sdk-trace-base');
const { NodeTracerProvider } = require('@opentelemetry/sdk-trace-node');

const spans = new InMemorySpanExporter();
const tracerProvider = new NodeTracerProvider({ spanProcessors: [new SimpleSpanProcessor(spans)] });
tracerProvider.register(); // the global tracer provider, and an AsyncLocalStorage context manager
registerInstrumentations({ instrumentations: [new IORedisInstrumentation()] });

const { createRedisPool } = require('@pool/redis'); // loads ioredis, now instrumented

const url = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const tracer = trace.getTracer('example');
const prefix = `example:otel:${process.pid}:`;
const CALLERS = ['checkout', 'profile', 'search', 'cart'];

/** Each caller's trace: a parent span, and three commands on its own keys issued inside it. */
function callerTrace(redis, caller) {
  return tracer.startActiveSpan(caller, async (span) => {
    try {
      await redis.execute('SET', `${prefix}${caller}`, caller);
      await Promise.all([redis.execute('GET', `${prefix}${caller}`), redis.execute('INCR', `${prefix}${caller}:visits`)]);
    } finally {
      span.end();
    }
  });
}

/** Runs every caller at once on one pool and reports, per command span, whether its parent is its caller. */
async function run(mode, options) {
  spans.reset();
  const redis = createRedisPool({ url, encoding: 'utf8', size: 2, acquireTimeoutMs: 5_000, ...options });
  try {
    await Promise.all(CALLERS.map((caller) => callerTrace(redis, caller)));
  } finally {
    await redis.execute('DEL', ...CALLERS.flatMap((caller) => [`${prefix}${caller}`, `${prefix}${caller}:visits`]));
    await redis.close();
  }
  const finished = spans.getFinishedSpans();
  const nameOf = new Map(finished.map((span) => [span.spanContext().spanId, span.name]));
  let right = 0;
  const wrong = [];
  for (const span of finished) {
    const key = String(span.attributes['db.statement'] ?? span.attributes['db.query.text'] ?? '').split(' ')[1] ?? '';
    if (!key.startsWith(prefix) || span.name === 'del') continue;
    const caller = key.slice(prefix.length).split(':')[0];
    const parent = nameOf.get(span.parentSpanContext?.spanId) ?? '(none)';
    if (parent === caller) right++;
    else wrong.push(`${span.name} ${caller}'s key under ${parent}`);
  }
  console.log(`${mode}: ${right} of ${right + wrong.length} command spans under their caller's span`);
  for (const line of wrong) console.log(`  wrong parent: ${line}`);
  return wrong.length;
}

async function main() {
  console.log(`traces of ${CALLERS.length} concurrent callers (${CALLERS.join(', ')}), 3 commands each, on Redis at ${new URL(url).host}`);
  const wrong = (await run('exclusive', {})) + (await run('multiplexed', { multiplex: true }));
  console.log(wrong === 0 ? 'every command span is under its caller' : `${wrong} command span(s) under another caller's span`);
  await tracerProvider.shutdown();
  process.exitCode = wrong === 0 ? 0 : 1;
}

main().catch((error) => {
  console.error(`failed: ${error.code ?? ''} ${error.message}`);
  process.exitCode = 1;
});
