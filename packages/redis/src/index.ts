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

// More than one server: hash, cluster, sentinel and sentinel hash pools, targets, and URLs by scheme.
export { HashPool, createHashPool } from './hash-pool.js';
export type { HashPoolOptions, HashBucket, BucketExecutor } from './hash-pool.js';
export { ClusterPool, createClusterPool } from './cluster-pool.js';
export type { ClusterPoolOptions } from './cluster-pool.js';
export { SentinelPool, createSentinelPool } from './sentinel-pool.js';
export type { SentinelPoolOptions, SentinelPoolEvents } from './sentinel-pool.js';
export { SentinelHashPool, createSentinelHashPool } from './sentinel-hash-pool.js';
export type { SentinelHashPoolOptions } from './sentinel-hash-pool.js';
export { NoMasterError } from './sentinel-watch.js';
export { createPoolFromUrl, parsePoolUrl } from './pool-from-url.js';
export type { PoolUrl, UrlPool } from './pool-from-url.js';
export { NoTargetError, UnknownNodeError, CrossSlotError } from './targets.js';
export type { Target, CommandExecutor } from './targets.js';
export { crc16, keySlot, slotBucket, SLOT_COUNT } from './hash-slot.js';
export type { RedisKey } from './hash-slot.js';
export { commandKeys } from './command-keys.js';
