export { Pool, createPool } from './pool.js';
export type { AcquireOptions, CloseOptions } from './pool.js';
export { Lease } from './lease.js';
export { DEFAULTS } from './options.js';
export type { Factory, PoolOptions } from './options.js';
export type { PoolStats, PoolCounters } from './stats.js';
export { diagnosticChannels } from './events.js';
export type { PoolEventMap, LeakReport } from './events.js';
export {
  PoolError,
  PoolExhaustedError,
  QueueFullError,
  PoolClosedError,
  AcquireTimeoutError,
  AcquireAbortedError,
  CreateError,
  CreateTimeoutError,
  DestroyError,
  DestroyTimeoutError,
  ReleaseError,
  InvalidOptionError,
  InvalidFactoryError,
  InvalidResourceError,
} from './errors.js';
export type { PoolErrorCode, PoolSnapshot } from './errors.js';
