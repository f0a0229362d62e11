import {
  AggregationTemporality,
  InMemoryMetricExporter,
  MeterProvider,
  PeriodicExportingMetricReader,
  type DataPoint,
  type Histogram,
  type MetricData,
} from '@opentelemetry/sdk-metrics';

/**
 * `instrumentPool` against the OpenTelemetry SDK, as `@pool/core`'s own opentelemetry test reads it: a MeterProvider
 * whose reader exports cumulative data to the SDK's in-memory exporter when the test collects.
 */
export class TestMetrics {
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

const POOL_NAME_ATTRIBUTE = 'db.client.connection.pool.name';

/** The data points of one metric for one pool name (optionally with more attributes). */
export function pointsOf(
  collected: Map<string, MetricData>,
  name: string,
  poolName: string,
  extra: Record<string, string> = {},
): DataPoint<unknown>[] {
  const metric = collected.get(name);
  if (metric === undefined) return [];
  return (metric.dataPoints as DataPoint<unknown>[]).filter(
    (point) =>
      point.attributes[POOL_NAME_ATTRIBUTE] === poolName &&
      Object.entries(extra).every(([key, value]) => point.attributes[key] === value),
  );
}

/** The one value of a metric for a pool name; undefined when there is not exactly one point. */
export function valueOf(collected: Map<string, MetricData>, name: string, poolName: string, extra: Record<string, string> = {}): unknown {
  const points = pointsOf(collected, name, poolName, extra);
  return points.length === 1 ? points[0]?.value : undefined;
}

/** How many values a histogram holds for a pool name (0 when it has none). */
export function histogramCount(collected: Map<string, MetricData>, name: string, poolName: string): number {
  return (valueOf(collected, name, poolName) as Histogram | undefined)?.count ?? 0;
}

/** The pool names a metric has points for. */
export function poolNames(collected: Map<string, MetricData>, name: string): string[] {
  const points = (collected.get(name)?.dataPoints ?? []) as DataPoint<unknown>[];
  return [...new Set(points.map((point) => String(point.attributes[POOL_NAME_ATTRIBUTE])))];
}
