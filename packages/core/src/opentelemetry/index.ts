export { instrumentPool, METER_NAME, TIME_BUCKETS_SECONDS } from './instrument-pool.js';
export type { InstrumentPoolOptions, PoolInstrumentation } from './instrument-pool.js';
