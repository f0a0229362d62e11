import type { Cluster, Redis } from 'ioredis';
import { RedisConnectionError } from '../errors.js';
import { batchKeys } from '../routing/command-keys.js';
import { keySlot } from '../routing/hash-slot.js';
import { CrossSlotError, NoTargetError, UnknownNodeError, formatHostPort, parseHostPort, type Target } from '../routing/targets.js';
import type { RecordedCommand } from '../typed/redis-commands.js';

/**
 * Where a batch of `commands.multi()` / `pipeline()` runs on a cluster: through the cluster client (it routes by
 * the batch's one slot and follows MOVED), on one node (`{ node }`), or on the master of a shard key's slot (a keyless
 * batch with `{ shardKey }`).
 */
export type BatchRoute = { readonly via: 'client' } | { readonly via: 'node'; readonly node: string } | { readonly via: 'slot'; readonly slot: number };

/**
 * Checks a batch's keys against its target before anything is leased or sent.
 * @throws NoTargetError (`NO_TARGET`) for a keyless batch without a target; CrossSlotError (`CROSS_SLOT`) for keys in
 *   several slots, or outside the shard key's slot.
 */
export function batchRoute(kind: 'multi' | 'pipeline', commands: readonly RecordedCommand[], target: Target | undefined): BatchRoute {
  const command = kind === 'multi' ? 'MULTI' : 'PIPELINE';
  const slots = [...new Set(batchKeys(commands).map((key) => keySlot(key)))];
  if (target !== undefined && 'node' in target) return { via: 'node', node: target.node };
  if (target === undefined) {
    if (slots.length === 0) throw new NoTargetError(command);
    if (slots.length > 1) throw new CrossSlotError(command, 'cluster slots');
    return { via: 'client' };
  }
  const slot = keySlot(target.shardKey);
  if (slots.some((keySlotOfBatch) => keySlotOfBatch !== slot)) throw new CrossSlotError(command, 'slots than the shard key');
  return slots.length === 0 ? { via: 'slot', slot } : { via: 'client' };
}

/** The client a batch runs on: the cluster client itself, or its connection to the routed node. */
export function batchClient(client: Cluster, route: BatchRoute): Cluster | Redis {
  if (route.via === 'client') return client;
  if (route.via === 'node') return nodeOf(client, route.node);
  const [master] = client.slots[route.slot] ?? [];
  if (master === undefined) throw new RedisConnectionError(`no node serves slot ${route.slot} in the cluster client's slot table`);
  return nodeOf(client, master);
}

/**
 * The connection of a cluster client to one node, by `host:port`.
 * @throws UnknownNodeError (`UNKNOWN_NODE`) when the client knows no such node.
 */
export function nodeOf(client: Cluster, node: string): Redis {
  const wanted = parseHostPort(node, 6379);
  const nodes = client.nodes('all');
  const names = nodes.map((candidate) => formatHostPort(String(candidate.options.host), Number(candidate.options.port)));
  const index = wanted === undefined ? -1 : names.indexOf(formatHostPort(wanted.host, wanted.port));
  const found = nodes[index];
  if (found === undefined) throw new UnknownNodeError(node, names);
  return found;
}
