export { Pool, createPool } from './pool.js';
export type { GenericPoolEventMap, EvictionSchedule } from './pool.js';
export { TimeoutError } from './errors.js';
export { GENERIC_POOL_DEFAULTS } from './options.js';
export type {
  GenericPoolFactory,
  GenericPoolFactory as Factory,
  GenericPoolOptions,
  GenericPoolOptions as Options,
  PromiseLibrary,
} from './options.js';
export {
  PoolError,
  PoolClosedError,
  QueueFullError,
  AcquireTimeoutError,
  ReleaseError,
  InvalidOptionError,
  InvalidFactoryError,
} from '../errors.js';
export type { PoolErrorCode, PoolSnapshot } from '../errors.js';
