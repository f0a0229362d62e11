import type { PoolStats } from '@pool/core';
import type { TypedPoolUnderTest } from './commands-contract.js';
import type { ClusterPool, HashPool, RedisPool, SentinelPool } from '../../src/index.js';

/** Connections a multiplexer holds for sharing; they count as in use in `@pool/core`'s stats but no command leased them. */
function sharedConnections(stats: PoolStats): number {
  const { multiplexConnections } = stats as PoolStats & { multiplexConnections?: number };
  return multiplexConnections ?? 0;
}

function sum(stats: readonly PoolStats[], count: (stats: PoolStats) => number): number {
  return stats.reduce((total, each) => total + count(each), 0);
}

/** A single-server or sentinel pool under the contract. */
export function singlePool(pool: RedisPool | SentinelPool): TypedPoolUnderTest {
  return {
    commands: pool.commands,
    execute: (command, ...args) => pool.execute(command, ...args),
    acquired: () => pool.stats().acquired,
    inUse: () => pool.stats().inUse - sharedConnections(pool.stats()),
  };
}

/** A hash or sentinel hash pool under the contract: counters summed over the buckets. */
export function hashPool(pool: HashPool): TypedPoolUnderTest {
  const buckets = (): PoolStats[] => Object.values(pool.stats());
  return {
    commands: pool.commands,
    execute: (command, ...args) => pool.execute(command, ...args),
    acquired: () => sum(buckets(), (stats) => stats.acquired),
    inUse: () => sum(buckets(), (stats) => stats.inUse - sharedConnections(stats)),
  };
}

/** A cluster pool under the contract. In multiplexed mode one cluster client is held for sharing once used. */
export function clusterPool(pool: ClusterPool, multiplexed: boolean): TypedPoolUnderTest {
  return {
    commands: pool.commands,
    execute: (command, ...args) => pool.execute(command, ...args),
    acquired: () => pool.stats().acquired,
    inUse: () => (multiplexed ? Math.max(0, pool.stats().inUse - 1) : pool.stats().inUse),
  };
}
