import { metrics } from '@opentelemetry/api';
import {
  AggregationTemporality,
  DataPointType,
  InMemoryMetricExporter,
  MeterProvider,
  PeriodicExportingMetricReader,
  type DataPoint,
  type Histogram,
  type MetricData,
} from '@opentelemetry/sdk-metrics';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { InvalidOptionError, createPool, type Pool } from '@pool/core';
import { instrumentPool, TIME_BUCKETS_SECONDS } from '@pool/core/opentelemetry';
import { ControlledFactory, rejectionOf, type TestResource } from './support/pool-helpers.js';

// instrumentPool against the OpenTelemetry SDK: a MeterProvider whose reader exports to the SDK's in-memory exporter
// when the test flushes it. Durations run on the real clock, so they are checked against lower bounds only.

const POOL_NAME_ATTRIBUTE = 'db.client.connection.pool.name';
const GAUGES = [
  'db.client.connection.count',
  'db.client.connection.max',
  'db.client.connection.idle.max',
  'db.client.connection.idle.min',
  'db.client.connection.pending_requests',
];
const HISTOGRAMS = ['db.client.connection.create_time', 'db.client.connection.wait_time', 'db.client.connection.use_time'];

/** A MeterProvider exporting cumulative data to memory on `collect()`. */
class TestMetrics {
  readonly exporter = new InMemoryMetricExporter(AggregationTemporality.CUMULATIVE);
  readonly reader = new PeriodicExportingMetricReader({ exporter: this.exporter, exportIntervalMillis: 3_600_000 });
  readonly provider = new MeterProvider({ readers: [this.reader] });

  /** Collects now and returns the metrics of this collection, by name. */
  async collect(): Promise<Map<string, MetricData>> {
    this.exporter.reset();
    await this.reader.forceFlush();
    const byName = new Map<string, MetricData>();
    for (const resourceMetrics of this.exporter.getMetrics()) {
      for (const scope of resourceMetrics.scopeMetrics) {
        for (const metric of scope.metrics) byName.set(metric.descriptor.name, metric);
      }
    }
    return byName;
  }

  shutdown(): Promise<void> {
    return this.provider.shutdown();
  }
}

/** The data points of one metric for one pool name (optionally with more attributes). */
function pointsOf(collected: Map<string, MetricData>, name: string, poolName: string, extra: Record<string, string> = {}): DataPoint<unknown>[] {
  const metric = collected.get(name);
  if (metric === undefined) return [];
  return (metric.dataPoints as DataPoint<unknown>[]).filter(
    (point) =>
      point.attributes[POOL_NAME_ATTRIBUTE] === poolName &&
      Object.entries(extra).every(([key, value]) => point.attributes[key] === value),
  );
}

function valueOf(collected: Map<string, MetricData>, name: string, poolName: string, extra: Record<string, string> = {}): unknown {
  const points = pointsOf(collected, name, poolName, extra);
  expect(points, `${name} for ${poolName} ${JSON.stringify(extra)}`).toHaveLength(1);
  return points[0]?.value;
}

/** Matches a data point with the same attributes and value, whatever its timestamps. */
function sameValue(point: DataPoint<unknown>): unknown {
  return expect.objectContaining({ attributes: point.attributes, value: point.value });
}

function histogramOf(collected: Map<string, MetricData>, name: string, poolName: string): Histogram {
  expect(collected.get(name)?.dataPointType).toBe(DataPointType.HISTOGRAM);
  return valueOf(collected, name, poolName) as Histogram;
}

/** A factory whose creates take about `createMs` of real time. */
class SlowFactory extends ControlledFactory {
  constructor(readonly createMs: number) {
    super();
  }

  override async create(signal?: AbortSignal): Promise<TestResource> {
    await sleep(this.createMs);
    return super.create(signal);
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

function track<T>(pool: Pool<T>, telemetry?: TestMetrics): void {
  // timeoutMs 0: resources a test still holds are destroyed at once.
  cleanups.push(() => pool.close({ timeoutMs: 0 }));
  if (telemetry !== undefined) cleanups.push(() => telemetry.shutdown());
}

describe('instrumentPool: the semantic conventions for connection pools', () => {
  it('records every db.client.connection metric with sane values after acquires, releases, a wait and a timeout', async () => {
    const telemetry = new TestMetrics();
    const pool = createPool(new SlowFactory(15), { size: 2, minIdle: 1, acquireTimeoutMs: 5_000 });
    track(pool, telemetry);
    instrumentPool(pool, { name: 'orders-db', meterProvider: telemetry.provider });

    const first = await pool.acquire();
    const second = await pool.acquire();
    expect(await rejectionOf(pool.acquire({ timeoutMs: 20 }))).toMatchObject({ code: 'ACQUIRE_TIMEOUT' });
    const waiting = pool.acquire();
    await sleep(25);
    const whileWaiting = await telemetry.collect();
    expect(valueOf(whileWaiting, 'db.client.connection.pending_requests', 'orders-db')).toBe(1);
    expect(valueOf(whileWaiting, 'db.client.connection.count', 'orders-db', { 'db.client.connection.state': 'used' })).toBe(2);
    await pool.release(first);
    expect(await waiting).toBe(first);
    await pool.release(second);

    const collected = await telemetry.collect();
    const stats = pool.stats();
    expect(stats).toMatchObject({ idle: 1, inUse: 1, waiting: 0, timeouts: 1, acquired: 3, released: 2 });
    expect(valueOf(collected, 'db.client.connection.count', 'orders-db', { 'db.client.connection.state': 'idle' })).toBe(1);
    expect(valueOf(collected, 'db.client.connection.count', 'orders-db', { 'db.client.connection.state': 'used' })).toBe(1);
    expect(valueOf(collected, 'db.client.connection.max', 'orders-db')).toBe(2);
    expect(valueOf(collected, 'db.client.connection.idle.max', 'orders-db')).toBe(2);
    expect(valueOf(collected, 'db.client.connection.idle.min', 'orders-db')).toBe(1);
    expect(valueOf(collected, 'db.client.connection.pending_requests', 'orders-db')).toBe(0);
    expect(valueOf(collected, 'db.client.connection.timeouts', 'orders-db')).toBe(1);

    const createTime = histogramOf(collected, 'db.client.connection.create_time', 'orders-db');
    expect(createTime.count).toBe(stats.created);
    expect(createTime.min).toBeGreaterThanOrEqual(0.01); // each create sleeps 15 ms
    // Seconds, not milliseconds: a 15 ms create recorded in ms would be at least 15. 10 s is loose for a busy machine.
    expect(createTime.max).toBeLessThan(10);

    const waitTime = histogramOf(collected, 'db.client.connection.wait_time', 'orders-db');
    expect(waitTime.count).toBe(3);
    expect(waitTime.max).toBeGreaterThanOrEqual(0.02); // the third caller waited for a release 25 ms later
    expect(waitTime.min).toBeGreaterThanOrEqual(0);
    expect(waitTime.max).toBeLessThan(10);

    const useTime = histogramOf(collected, 'db.client.connection.use_time', 'orders-db');
    expect(useTime.count).toBe(2);
    expect(useTime.min).toBeGreaterThanOrEqual(0.04); // both were held across the 20 ms timeout and the 25 ms sleep
    expect(useTime.max).toBeLessThan(10);
  });

  it('uses seconds, the conventions\' units and bucket boundaries from 0.1 ms to 10 s', async () => {
    const telemetry = new TestMetrics();
    const pool = createPool(new ControlledFactory(), { size: 1 });
    track(pool, telemetry);
    instrumentPool(pool, { name: 'units', meterProvider: telemetry.provider });
    const held = await pool.acquire();
    expect(await rejectionOf(pool.acquire({ timeoutMs: 1 }))).toMatchObject({ code: 'ACQUIRE_TIMEOUT' });
    await pool.release(held);
    const collected = await telemetry.collect();
    const units = Object.fromEntries([...collected].map(([name, metric]) => [name, metric.descriptor.unit]));
    expect(units).toMatchObject({
      'db.client.connection.count': '{connection}',
      'db.client.connection.max': '{connection}',
      'db.client.connection.idle.max': '{connection}',
      'db.client.connection.idle.min': '{connection}',
      'db.client.connection.pending_requests': '{request}',
      'db.client.connection.timeouts': '{timeout}',
      'db.client.connection.create_time': 's',
      'db.client.connection.wait_time': 's',
      'db.client.connection.use_time': 's',
    });
    for (const name of HISTOGRAMS) {
      expect(histogramOf(collected, name, 'units').buckets.boundaries).toEqual([...TIME_BUCKETS_SECONDS]);
    }
  });

  it('labels each pool by its own name when several pools share a meter provider', async () => {
    const telemetry = new TestMetrics();
    const small = createPool(new ControlledFactory(), { size: 1 });
    const large = createPool(new ControlledFactory(), { size: 8 });
    track(small, telemetry);
    track(large);
    instrumentPool(small, { name: 'node-a:6379', meterProvider: telemetry.provider });
    instrumentPool(large, { name: 'node-b:6379', meterProvider: telemetry.provider });
    await large.acquire();
    const collected = await telemetry.collect();
    expect(valueOf(collected, 'db.client.connection.max', 'node-a:6379')).toBe(1);
    expect(valueOf(collected, 'db.client.connection.max', 'node-b:6379')).toBe(8);
    expect(valueOf(collected, 'db.client.connection.count', 'node-b:6379', { 'db.client.connection.state': 'used' })).toBe(1);
    expect(histogramOf(collected, 'db.client.connection.wait_time', 'node-b:6379').count).toBe(1);
    expect(pointsOf(collected, 'db.client.connection.wait_time', 'node-a:6379')).toEqual([]);
  });

  it('uses the global meter provider when none is given', async () => {
    const telemetry = new TestMetrics();
    const pool = createPool(new ControlledFactory(), { size: 3 });
    track(pool, telemetry);
    expect(metrics.setGlobalMeterProvider(telemetry.provider)).toBe(true);
    cleanups.push(() => metrics.disable());
    instrumentPool(pool, { name: 'global' });
    await pool.release(await pool.acquire());
    const collected = await telemetry.collect();
    expect(valueOf(collected, 'db.client.connection.max', 'global')).toBe(3);
    expect(histogramOf(collected, 'db.client.connection.use_time', 'global').count).toBe(1);
  });

  it('records nothing after stop(): no listener left on the pool, no observable callback, totals unchanged', async () => {
    const telemetry = new TestMetrics();
    const pool = createPool(new ControlledFactory(), { size: 1 });
    track(pool, telemetry);
    const instrumentation = instrumentPool(pool, { name: 'stopped', meterProvider: telemetry.provider });
    const first = await pool.acquire();
    expect(await rejectionOf(pool.acquire({ timeoutMs: 1 }))).toMatchObject({ code: 'ACQUIRE_TIMEOUT' });
    await pool.release(first);
    const before = await telemetry.collect();
    expect(valueOf(before, 'db.client.connection.timeouts', 'stopped')).toBe(1);

    instrumentation.stop();
    instrumentation.stop(); // idempotent
    for (const event of ['create', 'acquire', 'release', 'acquireFailed'] as const) {
      expect(pool.listenerCount(event), event).toBe(0);
    }
    const held = await pool.acquire();
    await rejectionOf(pool.acquire({ timeoutMs: 1 }));
    const stats = vi.spyOn(pool, 'stats');
    const after = await telemetry.collect();
    expect(stats).not.toHaveBeenCalled();
    await pool.release(held);
    // The SDK repeats an observable's last cumulative value; a new observation would show the held resource.
    for (const name of GAUGES) expect(pointsOf(after, name, 'stopped'), name).toEqual(pointsOf(before, name, 'stopped').map(sameValue));
    expect(valueOf(after, 'db.client.connection.count', 'stopped', { 'db.client.connection.state': 'used' })).toBe(0);
    expect(valueOf(after, 'db.client.connection.timeouts', 'stopped')).toBe(1);
    for (const name of HISTOGRAMS) {
      expect(histogramOf(after, name, 'stopped').count, name).toBe(histogramOf(before, name, 'stopped').count);
    }
  });
});

describe('instrumentPool on a closed pool', () => {
  // Regression: a recording outlived its pool. A pool replaced on failover (a sentinel pool's old master) kept
  // exporting max = size forever, and its callback kept the closed pool and its resources' bookkeeping in memory.
  it('reports a closed, drained pool as zeros once, then stops by itself: no listener left, stats() no longer read', async () => {
    const telemetry = new TestMetrics();
    const pool = createPool(new ControlledFactory(), { size: 2, minIdle: 1 });
    track(pool, telemetry);
    instrumentPool(pool, { name: 'replaced', meterProvider: telemetry.provider });
    await pool.release(await pool.acquire());
    const open = await telemetry.collect();
    expect(valueOf(open, 'db.client.connection.max', 'replaced')).toBe(2);
    expect(valueOf(open, 'db.client.connection.idle.min', 'replaced')).toBe(1);
    expect(valueOf(open, 'db.client.connection.count', 'replaced', { 'db.client.connection.state': 'idle' })).toBe(pool.stats().idle);
    expect(pool.stats().idle).toBeGreaterThan(0);

    await pool.close();
    const closed = await telemetry.collect();
    for (const name of GAUGES) {
      for (const point of pointsOf(closed, name, 'replaced')) expect(point.value, `${name} ${JSON.stringify(point.attributes)}`).toBe(0);
    }
    expect(pointsOf(closed, 'db.client.connection.count', 'replaced')).toHaveLength(2);
    await Promise.resolve(); // the stop is queued behind the SDK's loop over callbacks
    for (const event of ['create', 'acquire', 'release', 'acquireFailed'] as const) {
      expect(pool.listenerCount(event), event).toBe(0);
    }
    const stats = vi.spyOn(pool, 'stats');
    const later = await telemetry.collect();
    expect(stats).not.toHaveBeenCalled();
    // The SDK keeps exporting the last observation: the zeros, not the open pool's values.
    for (const name of GAUGES) expect(pointsOf(later, name, 'replaced'), name).toEqual(pointsOf(closed, name, 'replaced').map(sameValue));
    expect(histogramOf(later, 'db.client.connection.use_time', 'replaced').count).toBe(1);
  });

  it('keeps recording a closing pool until its last held resource comes back', async () => {
    const telemetry = new TestMetrics();
    const pool = createPool(new ControlledFactory(), { size: 2 });
    track(pool, telemetry);
    instrumentPool(pool, { name: 'draining', meterProvider: telemetry.provider });
    const held = await pool.acquire();
    // Bounded: should an assertion below fail before the release, the close still ends.
    const closing = pool.close({ timeoutMs: 5_000 });
    const whileDraining = await telemetry.collect();
    expect(valueOf(whileDraining, 'db.client.connection.count', 'draining', { 'db.client.connection.state': 'used' })).toBe(1);
    expect(valueOf(whileDraining, 'db.client.connection.max', 'draining')).toBe(0);
    await Promise.resolve();
    expect(pool.listenerCount('release')).toBe(1);

    await pool.release(held);
    await closing;
    const drained = await telemetry.collect();
    expect(histogramOf(drained, 'db.client.connection.use_time', 'draining').count).toBe(1);
    expect(valueOf(drained, 'db.client.connection.count', 'draining', { 'db.client.connection.state': 'used' })).toBe(0);
    await Promise.resolve();
    expect(pool.listenerCount('release')).toBe(0);
  });
});

describe('instrumentPool input validation', () => {
  const provider = new MeterProvider();

  it.each([
    ['null', null],
    ['a plain object', {}],
    ['a string', 'redis://:hunter2@cache.internal:6379'],
    ['an EventEmitter without stats()', { on: () => {}, off: () => {} }],
  ])('rejects %s as the pool with INVALID_OPTION, naming no value', (_label, pool) => {
    const call = (): unknown => instrumentPool(pool as unknown as Pool<unknown>, { name: 'x', meterProvider: provider });
    expect(call).toThrow(InvalidOptionError);
    expect(call).toThrow(/^pool must be a @pool\/core pool/);
    expect(call).not.toThrow(/hunter2/);
  });

  it.each([
    ['no options', undefined],
    ['options that are not an object', 'orders'],
    ['a missing name', {}],
    ['an empty name', { name: '' }],
    ['a blank name', { name: '   ' }],
    ['a name that is not a string', { name: 42 }],
    ['a meterProvider without getMeter()', { name: 'x', meterProvider: {} }],
    ['a null meterProvider', { name: 'x', meterProvider: null }],
  ])('rejects %s with INVALID_OPTION', async (_label, options) => {
    const pool = createPool(new ControlledFactory(), { size: 1 });
    try {
      expect(() => instrumentPool(pool, options as never)).toThrow(expect.objectContaining({ code: 'INVALID_OPTION' }));
      expect(pool.listenerCount('acquire')).toBe(0);
    } finally {
      await pool.close();
    }
  });
});
