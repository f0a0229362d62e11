import { Redis } from 'ioredis';
import { killAll, pollUntil, redisCli, startServers, type ServerProcess } from './servers.js';

/** A throwaway Redis Cluster of `masters` masters, each with `replicasPerMaster` replicas, on loopback. */
export interface TestCluster {
  readonly nodes: readonly ServerProcess[];
  /** `127.0.0.1:port` of a few nodes, as seeds. */
  readonly seeds: readonly string[];
  /** A plain (non-cluster) connection to one node, for checks made on that node directly. Cached per address. */
  node(address: string): Redis;
  /** The address of the master serving `slot`, read from CLUSTER SLOTS of a live node. */
  masterOf(slot: number): Promise<string>;
  /** The addresses of the replicas serving `slot`. */
  replicasOf(slot: number): Promise<string[]>;
  /** Kills every node and closes the check connections. */
  stop(): Promise<void>;
}

/** Options of {@link startCluster}. */
export interface StartClusterOptions {
  readonly masters?: number;
  readonly replicasPerMaster?: number;
  /** `cluster-node-timeout`: how soon a dead master is failed over. @default 1000 */
  readonly nodeTimeoutMs?: number;
}

const READY_TIMEOUT_MS = 30_000;

/**
 * Starts the nodes, joins them with `redis-cli --cluster create ... --cluster-yes`, and waits until every node says
 * `cluster_state:ok` and sees every other node and all 16384 slots.
 */
export async function startCluster(options: StartClusterOptions = {}): Promise<TestCluster> {
  const masters = options.masters ?? 3;
  const replicasPerMaster = options.replicasPerMaster ?? 1;
  const nodeTimeoutMs = options.nodeTimeoutMs ?? 1_000;
  const nodes = await startServers(masters * (1 + replicasPerMaster), {
    config: [
      'cluster-enabled yes',
      'cluster-config-file nodes.conf',
      `cluster-node-timeout ${nodeTimeoutMs}`,
      // A replica may fail over even if it lost the link to its master a while ago (the test kills masters).
      'cluster-replica-validity-factor 0',
      'repl-diskless-sync-delay 0',
      // Replicas appear in CLUSTER SLOTS once their offset is > 0: ping them every second, not every 10.
      'repl-ping-replica-period 1',
    ],
  });
  const cluster = new RunningCluster(nodes);
  try {
    await redisCli([
      '--cluster',
      'create',
      ...nodes.map((node) => node.address),
      '--cluster-replicas',
      String(replicasPerMaster),
      '--cluster-yes',
    ]);
    await cluster.waitUntilHealthy(masters * replicasPerMaster);
  } catch (error) {
    await cluster.stop();
    throw error;
  }
  return cluster;
}

type SlotRange = [number, number, ...[string, number, ...unknown[]][]];

class RunningCluster implements TestCluster {
  readonly nodes: readonly ServerProcess[];
  readonly seeds: readonly string[];
  readonly #connections = new Map<string, Redis>();

  constructor(nodes: readonly ServerProcess[]) {
    this.nodes = nodes;
    this.seeds = nodes.slice(0, 3).map((node) => node.address);
  }

  node(address: string): Redis {
    let connection = this.#connections.get(address);
    if (connection === undefined) {
      const [host = '127.0.0.1', port = '0'] = address.split(':');
      connection = new Redis({ host, port: Number(port), maxRetriesPerRequest: 1, lazyConnect: false });
      // A killed node makes this connection error; the tests only use it on live nodes.
      connection.on('error', () => undefined);
      this.#connections.set(address, connection);
    }
    return connection;
  }

  async masterOf(slot: number): Promise<string> {
    const range = await this.#rangeOf(slot);
    const [, , master] = range;
    if (master === undefined) throw new Error(`slot ${slot} has no master`);
    return `${master[0]}:${master[1]}`;
  }

  async replicasOf(slot: number): Promise<string[]> {
    const [, , , ...replicas] = await this.#rangeOf(slot);
    return replicas.map((replica) => `${replica[0]}:${replica[1]}`);
  }

  async #rangeOf(slot: number): Promise<SlotRange> {
    const live = this.nodes.find((node) => node.isRunning);
    if (live === undefined) throw new Error('no live node');
    const ranges = (await this.node(live.address).call('CLUSTER', 'SLOTS')) as SlotRange[];
    const range = ranges.find(([first, last]) => first <= slot && slot <= last);
    if (range === undefined) throw new Error(`slot ${slot} is not served`);
    return range;
  }

  /** Every live node is `cluster_state:ok`, knows all nodes, and lists every replica, synced, in CLUSTER SLOTS. */
  async waitUntilHealthy(expectedReplicas: number): Promise<void> {
    await pollUntil(
      async () => {
        for (const node of this.nodes.filter((candidate) => candidate.isRunning)) {
          const connection = this.node(node.address);
          const info = String(await connection.call('CLUSTER', 'INFO'));
          if (!info.includes('cluster_state:ok') || !info.includes(`cluster_known_nodes:${this.nodes.length}`)) return false;
          const lines = String(await connection.call('CLUSTER', 'NODES')).split('\n');
          const replicas = lines.filter((line) => (line.split(' ')[2] ?? '').split(',').includes('slave'));
          if (replicas.length < expectedReplicas) return false;
          // CLUSTER SLOTS lists a replica only once it has synced (replication offset > 0), as clients see it.
          const ranges = (await connection.call('CLUSTER', 'SLOTS')) as SlotRange[];
          const listed = ranges.reduce((sum, range) => sum + range.length - 3, 0);
          if (listed < expectedReplicas) return false;
        }
        return true;
      },
      READY_TIMEOUT_MS,
      'cluster did not become healthy',
    );
  }

  async stop(): Promise<void> {
    for (const connection of this.#connections.values()) connection.disconnect();
    this.#connections.clear();
    await killAll(this.nodes);
  }
}
