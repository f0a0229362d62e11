import { TimeoutError } from './errors.js';
import { Pool, createPool } from './pool.js';

export { Pool, createPool, TimeoutError };
export type { GenericPoolEventMap, EvictionSchedule } from './pool.js';
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

/**
 * generic-pool's module object. generic-pool is CommonJS, so ES modules often import it whole
 * (`import genericPool from 'generic-pool'`); the same line works with `'@pool/core/generic-pool'`.
 */
const genericPool = { Pool, createPool, TimeoutError };
export default genericPool;
