import type { Cluster, Redis } from 'ioredis';

/** A node connection's socket, as far as corking goes. */
type NodeStream = Redis['stream'];

/**
 * Gathers the writes a shared cluster client makes to one node during a tick into one socket write, as the
 * single-server multiplexer does with its connection (and ioredis' auto-pipelining with its pipelines): before a
 * command for a slot is sent, the socket of the node that serves the slot is corked until the end of the tick.
 *
 * Measured without it, a multiplexed `ClusterPool` spent about half its CPU in one `write` syscall per command and ran
 * at 0.7-0.8x ioredis' own cluster client. Corking only delays a connection's writes to the end of the tick; it never
 * reorders them, so replies still match commands. A command that ioredis sends elsewhere (a replica with
 * `readFromReplicas`, a redirection, a node this lookup does not know) is written as it would be without it.
 */
export class NodeWriteCoalescer {
  /**
   * Each cluster client's node connections by ioredis' node key (`host:port`); `null` for a key ioredis has no
   * connection under. Dropped when ioredis adds or removes a node, so a lookup that misses is not repeated per command.
   */
  readonly #nodes = new WeakMap<Cluster, Map<string, Redis | null>>();
  /** Clients whose `+node` / `-node` events already drop their index (listened to once each). */
  readonly #watched = new WeakSet<Cluster>();
  /** Sockets corked in this tick; uncorked together on the next one (the same sockets, even if a node reconnected). */
  #corked: NodeStream[] = [];
  readonly #uncorkBound = (): void => this.#uncork();

  /** Corks, until the end of this tick, the socket of the node that serves `slot` on `client`. */
  coalesce(client: Cluster, slot: number): void {
    const key = client.slots[slot]?.[0];
    if (key === undefined) return;
    const node = this.#nodeOf(client, key);
    if (node === undefined || node.status !== 'ready' || this.#corked.includes(node.stream)) return;
    if (this.#corked.length === 0) process.nextTick(this.#uncorkBound);
    node.stream.cork();
    this.#corked.push(node.stream);
  }

  #nodeOf(client: Cluster, key: string): Redis | undefined {
    let nodes = this.#nodes.get(client);
    let node = nodes?.get(key);
    if (node === undefined || node?.status === 'end') {
      nodes = this.#index(client);
      node = nodes.get(key);
      if (node === undefined) nodes.set(key, null);
    }
    return node ?? undefined;
  }

  /** Indexes `client`'s node connections, and forgets the index when ioredis adds or removes one. */
  #index(client: Cluster): Map<string, Redis | null> {
    if (!this.#watched.has(client)) {
      this.#watched.add(client);
      const forget = (): void => void this.#nodes.delete(client);
      client.on('+node', forget).on('-node', forget);
    }
    const nodes = new Map<string, Redis | null>(
      client.nodes('all').map((node) => [`${String(node.options.host)}:${String(node.options.port)}`, node]),
    );
    this.#nodes.set(client, nodes);
    return nodes;
  }

  #uncork(): void {
    const corked = this.#corked;
    this.#corked = [];
    for (const stream of corked) stream.uncork();
  }
}
