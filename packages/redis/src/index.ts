export { RedisPool, createRedisPool } from './redis-pool.js';
export type { RedisPoolStats } from './redis-pool.js';
export { REDIS_DEFAULTS } from './options.js';
export type { RedisPoolOptions } from './options.js';
export { parseRedisUrl } from './url.js';
export type { RedisUrlOptions } from './url.js';
export { commandClass, isShareable, blockTimeMs } from './commands.js';
export type { CommandClass } from './commands.js';
export type { CommandOptions, RedisArgument, RedisReply } from './send.js';
export type { BulkCommand, BulkResult } from './bulk.js';
export { Subscriber } from './pubsub.js';
export type { SubscriberMessage } from './pubsub.js';
export {
  RedisPoolError,
  RedisReplyError,
  RedisConnectionError,
  RedisTimeoutError,
  InvalidRedisOptionError,
  InvalidRedisUrlError,
  InvalidArgumentError,
  SubscriberClosedError,
} from './errors.js';
export type { RedisErrorCode } from './errors.js';
