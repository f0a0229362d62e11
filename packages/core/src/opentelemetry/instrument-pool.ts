import {
  metrics,
  type Attributes,
  type BatchObservableResult,
  type Counter,
  type Histogram,
  type Meter,
  type MeterProvider,
  type Observable,
  type ObservableUpDownCounter,
} from '@opentelemetry/api';
import type { PoolError } from '../errors.js';
import type { Pool } from '../pool.js';
import { validatePool, validateInstrumentOptions } from './validate.js';

/** Options of {@link instrumentPool}. */
export interface InstrumentPoolOptions {
  /**
   * The pool's name, recorded as `db.client.connection.pool.name` on every metric; unique within the application
   * (for a Redis pool, e.g. `host:port/db`). A non-empty string.
   */
  name: string;
  /** Where the meter comes from. @default the global meter provider (`metrics.getMeterProvider()`) */
  meterProvider?: MeterProvider;
}

/** What {@link instrumentPool} returns. */
export interface PoolInstrumentation {
  /**
   * Stops recording: removes the pool listeners and the observable callbacks. Idempotent. A closed pool's recording
   * stops by itself once the pool has drained (see {@link instrumentPool}).
   */
  stop(): void;
}

/** The meter's instrumentation scope name. */
export const METER_NAME = '@pool/core';

/**
 * Bucket boundaries of the three timing histograms, in seconds: from 0.1 ms (a pool hands an idle resource out in
 * microseconds) to 10 s (a create against a server that is down), like the semantic conventions' advice for
 * `db.client.operation.duration` with the small end extended.
 */
export const TIME_BUCKETS_SECONDS = [0.0001, 0.0005, 0.001, 0.005, 0.01, 0.05, 0.1, 0.5, 1, 5, 10] as const;

/** Acquire failures counted by `db.client.connection.timeouts`: the caller ran out of time to get a resource. */
const TIMEOUT_CODES: ReadonlySet<string> = new Set(['ACQUIRE_TIMEOUT', 'CREATE_TIMEOUT']);

/** The listener signatures `instrumentPool` attaches; `Pool<T>` accepts them for any `T`. */
type TimedListener = (resource: unknown, ms: number) => void;
type FailureListener = (error: PoolError, waitMs: number) => void;

/**
 * Records OpenTelemetry's semantic conventions for connection pools (`db.client.connection.*`) on a `@pool/core`
 * pool (also `redis.pool` of `@pool/redis`, and each node pool of its multi-server pools, each with its own name:
 * `nodePools()`, and a sentinel pool's `+node` event for the pool a failover opens):
 *
 * - `db.client.connection.count` (`{connection}`), by `db.client.connection.state`: `idle` and `used` (resources
 *   being created are in neither);
 * - `db.client.connection.max` (the pool's `size`), `.idle.max` (also `size`: any resource may sit idle),
 *   `.idle.min` (`minIdle`), `.pending_requests` (callers waiting);
 * - `db.client.connection.timeouts` (`{timeout}`): acquires that failed with `ACQUIRE_TIMEOUT` or `CREATE_TIMEOUT`;
 * - histograms in seconds: `.create_time` (`factory.create()`), `.wait_time` (from `acquire()` until served),
 *   `.use_time` (from acquire until `release()`).
 *
 * Every point carries `db.client.connection.pool.name`. The gauges are read from `pool.stats()` when the metric
 * reader collects; the rest come from the pool's `create`, `acquire`, `release` and `acquireFailed` events, so a
 * wait or hold already under way when instrumenting starts is not recorded.
 *
 * A closed pool reports `.max`, `.idle.max` and `.idle.min` as 0 and its connections as they drain; the first
 * collection that finds it closed with no connection left and no caller waiting observes those zeros one last time
 * and then stops the recording, as `stop()` does. So a pool replaced by a new one (a sentinel failover) leaves
 * nothing behind but its final zeros, and needs no `stop()` once closed.
 *
 * @param pool - a `@pool/core` pool.
 * @param options - the pool's `name`, and the `meterProvider` (the global one by default).
 * @returns a handle whose `stop()` ends the recording.
 * @throws InvalidOptionError (`INVALID_OPTION`) when `pool` is not a pool, `name` is not a non-empty string, or
 *   `meterProvider` has no `getMeter()`.
 * @example
 * ```ts
 * import { createPool } from '@pool/core';
 * import { instrumentPool } from '@pool/core/opentelemetry';
 *
 * const pool = createPool({ create: () => ({}), destroy: () => {} });
 * const instrumentation = instrumentPool(pool, { name: 'in-memory' });
 * // ... later, before the pool goes away:
 * instrumentation.stop();
 * ```
 */
export function instrumentPool<T>(pool: Pool<T>, options: InstrumentPoolOptions): PoolInstrumentation {
  validatePool(pool);
  const { name, meterProvider } = validateInstrumentOptions(options);
  const meter = (meterProvider ?? metrics.getMeterProvider()).getMeter(METER_NAME);
  return new Recording(pool as unknown as Pool<unknown>, name, meter);
}

/** The instruments of one instrumented pool, and the listeners that feed them. */
class Recording implements PoolInstrumentation {
  readonly #pool: Pool<unknown>;
  readonly #attributes: Attributes;
  readonly #idleAttributes: Attributes;
  readonly #usedAttributes: Attributes;
  readonly #meter: Meter;
  readonly #observables: Observable[];
  readonly #count: ObservableUpDownCounter;
  readonly #max: ObservableUpDownCounter;
  readonly #idleMax: ObservableUpDownCounter;
  readonly #idleMin: ObservableUpDownCounter;
  readonly #pending: ObservableUpDownCounter;
  readonly #timeouts: Counter;
  readonly #createTime: Histogram;
  readonly #waitTime: Histogram;
  readonly #useTime: Histogram;
  readonly #onCreate: TimedListener;
  readonly #onAcquire: TimedListener;
  readonly #onRelease: TimedListener;
  readonly #onAcquireFailed: FailureListener;
  readonly #observe: (result: BatchObservableResult) => void;
  #stopped = false;

  constructor(pool: Pool<unknown>, name: string, meter: Meter) {
    this.#pool = pool;
    this.#meter = meter;
    this.#attributes = { 'db.client.connection.pool.name': name };
    this.#idleAttributes = { ...this.#attributes, 'db.client.connection.state': 'idle' };
    this.#usedAttributes = { ...this.#attributes, 'db.client.connection.state': 'used' };
    const connections = { unit: '{connection}' };
    this.#count = meter.createObservableUpDownCounter('db.client.connection.count', {
      ...connections,
      description: 'The number of connections that are currently in state described by the `state` attribute.',
    });
    this.#max = meter.createObservableUpDownCounter('db.client.connection.max', {
      ...connections,
      description: 'The maximum number of open connections allowed.',
    });
    this.#idleMax = meter.createObservableUpDownCounter('db.client.connection.idle.max', {
      ...connections,
      description: 'The maximum number of idle open connections allowed.',
    });
    this.#idleMin = meter.createObservableUpDownCounter('db.client.connection.idle.min', {
      ...connections,
      description: 'The minimum number of idle open connections allowed.',
    });
    this.#pending = meter.createObservableUpDownCounter('db.client.connection.pending_requests', {
      unit: '{request}',
      description: 'The number of current pending requests for an open connection.',
    });
    this.#timeouts = meter.createCounter('db.client.connection.timeouts', {
      unit: '{timeout}',
      description: 'The number of connection timeouts that have occurred trying to obtain a connection from the pool.',
    });
    this.#createTime = timeHistogram(meter, 'db.client.connection.create_time', 'The time it took to create a new connection.');
    this.#waitTime = timeHistogram(meter, 'db.client.connection.wait_time', 'The time it took to obtain an open connection from the pool.');
    this.#useTime = timeHistogram(
      meter,
      'db.client.connection.use_time',
      'The time between borrowing a connection and returning it to the pool.',
    );

    this.#onCreate = (_resource, durationMs) => recordSeconds(this.#createTime, durationMs, this.#attributes);
    this.#onAcquire = (_resource, waitMs) => recordSeconds(this.#waitTime, waitMs, this.#attributes);
    this.#onRelease = (_resource, useMs) => recordSeconds(this.#useTime, useMs, this.#attributes);
    this.#onAcquireFailed = (error) => {
      if (TIMEOUT_CODES.has(error.code)) this.#timeouts.add(1, this.#attributes);
    };
    this.#observe = (result) => this.#observeStats(result);
    this.#observables = [this.#count, this.#max, this.#idleMax, this.#idleMin, this.#pending];

    pool.on('create', this.#onCreate);
    pool.on('acquire', this.#onAcquire);
    pool.on('release', this.#onRelease);
    pool.on('acquireFailed', this.#onAcquireFailed);
    meter.addBatchObservableCallback(this.#observe, this.#observables);
  }

  stop(): void {
    if (this.#stopped) return;
    this.#stopped = true;
    this.#pool.off('create', this.#onCreate);
    this.#pool.off('acquire', this.#onAcquire);
    this.#pool.off('release', this.#onRelease);
    this.#pool.off('acquireFailed', this.#onAcquireFailed);
    this.#meter.removeBatchObservableCallback(this.#observe, this.#observables);
  }

  #observeStats(result: BatchObservableResult): void {
    const stats = this.#pool.stats();
    // A closed pool allows no connection: its limits read 0, so a replaced pool's last values (which a cumulative
    // reader keeps exporting) do not count towards the live pools' totals.
    const isClosed = this.#pool.isClosed;
    const size = isClosed ? 0 : stats.size;
    result.observe(this.#count, stats.idle, this.#idleAttributes);
    result.observe(this.#count, stats.inUse, this.#usedAttributes);
    result.observe(this.#max, size, this.#attributes);
    result.observe(this.#idleMax, size, this.#attributes);
    result.observe(this.#idleMin, isClosed ? 0 : this.#pool.minIdle, this.#attributes);
    result.observe(this.#pending, stats.waiting, this.#attributes);
    if (isClosed && stats.idle + stats.inUse + stats.creating + stats.waiting === 0) {
      // That was the closed pool's last observation (all zero). Stop once the SDK has run every callback of this
      // collection: removing one from its list while it iterates would skip the next pool's.
      queueMicrotask(() => this.stop());
    }
  }
}

function timeHistogram(meter: Meter, name: string, description: string): Histogram {
  return meter.createHistogram(name, {
    unit: 's',
    description,
    advice: { explicitBucketBoundaries: [...TIME_BUCKETS_SECONDS] },
  });
}

/** Records a pool timing (milliseconds) in seconds; a `NaN` timing (not measured) is skipped. */
function recordSeconds(histogram: Histogram, milliseconds: number, attributes: Attributes): void {
  if (Number.isNaN(milliseconds)) return;
  histogram.record(milliseconds / 1_000, attributes);
}
