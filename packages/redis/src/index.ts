export { RedisPool, createRedisPool } from './single/redis-pool.js';
export type { RedisPoolStats } from './single/redis-pool.js';
export { REDIS_DEFAULTS } from './options.js';
export type { RedisPoolOptions } from './options.js';
export { parseRedisUrl } from './url.js';
export type { RedisUrlOptions } from './url.js';
export { commandClass, isShareable, blockTimeMs } from './connection/commands.js';
export type { CommandClass } from './connection/commands.js';
export type { CommandOptions, IoredisReply, RedisArgument, RedisReply } from './connection/send.js';
export type { RedisCommands, BatchReplies } from './typed/redis-commands.js';
export type { BulkCommand, BulkResult } from './single/bulk.js';
export { Subscriber } from './single/pubsub.js';
export type { SubscriberMessage, SubscriberOptions, DataOf } from './single/pubsub.js';
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
export type { RedisErrorCode, TransportErrorDetails } from './errors.js';

// More than one server: hash, cluster, sentinel and sentinel hash pools, targets, and URLs by scheme.
export { HashPool, createHashPool } from './hash/hash-pool.js';
export type { HashPoolOptions, HashBucket, BucketExecutor } from './hash/hash-pool.js';
export { ClusterPool, createClusterPool } from './cluster/cluster-pool.js';
export type { ClusterPoolOptions } from './cluster/cluster-pool.js';
export { SentinelPool, createSentinelPool } from './sentinel/sentinel-pool.js';
export type { SentinelPoolOptions, SentinelPoolEvents } from './sentinel/sentinel-pool.js';
export { SentinelHashPool, createSentinelHashPool } from './sentinel/sentinel-hash-pool.js';
export type { SentinelHashPoolOptions } from './sentinel/sentinel-hash-pool.js';
export { NoMasterError } from './sentinel/sentinel-watch.js';
export { createPoolFromUrl, parsePoolUrl } from './from-url/pool-from-url.js';
export type { PoolUrl, UrlPool } from './from-url/pool-from-url.js';
export { NoTargetError, UnknownNodeError, CrossSlotError } from './routing/targets.js';
export type { Target, CommandExecutor } from './routing/targets.js';
export type { NodePool, NodeRole } from './routing/node-pools.js';
export { crc16, keySlot, slotBucket, SLOT_COUNT } from './routing/hash-slot.js';
export type { RedisKey } from './routing/hash-slot.js';
export { commandKeys } from './routing/command-keys.js';
