import type { Pool } from '@pool/core';
import type { Redis } from 'ioredis';

/** What a node serves in a multi-server pool: a hash pool's buckets are all masters. */
export type NodeRole = 'master' | 'replica';

/**
 * One server's `@pool/core` pool inside a multi-server pool, as `nodePools()` lists it and a sentinel pool's `+node`
 * and `-node` events announce it: for its events, its stats, and `instrumentPool` from `@pool/core/opentelemetry`.
 * The object is the same for the pool's whole life, so it can key a map.
 */
export interface NodePool<C = Redis> {
  /**
   * A name for the pool, stable for its node and role, unique among the node pools of one multi-server pool, and
   * free of credentials: the bucket name in a hash pool (`host:port`); `<master name>/<role>/<host:port>` in a
   * sentinel pool (`mymaster/master/10.0.0.2:6379`, `mymaster/replica/10.0.0.3:6379`). A pool that replaces one
   * for the same node and role (after a READONLY reply the sentinels may name the same master again) gets the
   * same name.
   */
  readonly name: string;
  /** The server's `host:port` (a hash pool's bucket name): what `on({ node })` takes on a hash pool. */
  readonly node: string;
  /** Whether the pool's connections go to a master or to a replica (read-only commands with `readFromReplicas`). */
  readonly role: NodeRole;
  /** The node's `@pool/core` pool; once closed (the node was replaced or the pool closed) it stays closed. */
  readonly pool: Pool<C>;
}
