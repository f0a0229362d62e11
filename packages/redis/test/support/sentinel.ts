import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import { freePort, killAll, pollUntil, startServer, type ServerProcess } from './servers.js';

/** One monitored master and its replicas. */
export interface TestMasterGroup {
  readonly name: string;
  /** The master first, then its replicas, as started (roles change after a failover). */
  readonly nodes: readonly ServerProcess[];
}

/** A throwaway sentinel deployment: data nodes per master name, and sentinels watching all of them. */
export interface TestSentinels {
  readonly groups: readonly TestMasterGroup[];
  readonly sentinels: readonly ServerProcess[];
  /** `127.0.0.1:port` of every sentinel. */
  readonly sentinelAddresses: readonly string[];
  /** The current master of `name`, asked of a live sentinel. */
  masterOf(name: string): Promise<string>;
  /** A plain connection to a data node (authenticated with the data password), cached per address. */
  node(address: string): Redis;
  /** A connection to a sentinel (authenticated with the sentinel password), cached per address. */
  sentinel(address: string): Redis;
  /** The data node process at `address`. */
  process(address: string): ServerProcess;
  /** Kills everything and closes the check connections. */
  stop(): Promise<void>;
}

/** Options of {@link startSentinels}. */
export interface StartSentinelsOptions {
  /** Master names and how many replicas each has. @default [{ name: 'mymaster', replicas: 1 }] */
  readonly masters?: ReadonlyArray<{ readonly name: string; readonly replicas: number }>;
  /** @default 3 */
  readonly sentinels?: number;
  /** @default 2 */
  readonly quorum?: number;
  /** `requirepass` of the data nodes (sentinels get it as `auth-pass`). */
  readonly dataPassword?: string;
  /** `requirepass` of the sentinels (and `sentinel-pass`, so they can talk to each other). */
  readonly sentinelPassword?: string;
  /** @default 1000 */
  readonly downAfterMs?: number;
  /** @default 3000 */
  readonly failoverTimeoutMs?: number;
}

const READY_TIMEOUT_MS = 20_000;

/**
 * Starts the data nodes (masters, then replicas with `replicaof`), then sentinels whose configs already list every
 * replica and every other sentinel (`known-replica`, `known-sentinel`), so the deployment is ready in well under a
 * second instead of after rounds of discovery. Resolves once replication links are up and every sentinel sees the
 * whole deployment.
 */
export async function startSentinels(options: StartSentinelsOptions = {}): Promise<TestSentinels> {
  const masters = options.masters ?? [{ name: 'mymaster', replicas: 1 }];
  // Replicas sync at once (the diskless default waits 5 s for more replicas to share one transfer).
  const auth = ['repl-diskless-sync-delay 0'];
  if (options.dataPassword !== undefined) auth.push(`requirepass ${options.dataPassword}`, `masterauth ${options.dataPassword}`);
  const started: ServerProcess[] = [];
  const groups: TestMasterGroup[] = [];
  try {
    for (const { name, replicas } of masters) {
      const master = await startServer({ config: auth });
      started.push(master);
      const nodes = [master];
      for (let index = 0; index < replicas; index++) {
        const replica = await startServer({ config: [...auth, `replicaof 127.0.0.1 ${master.port}`] });
        started.push(replica);
        nodes.push(replica);
      }
      groups.push({ name, nodes });
    }
    const sentinels = await startSentinelProcesses(groups, options, started);
    const deployment = new RunningSentinels(groups, sentinels, options);
    await deployment.waitUntilReady();
    return deployment;
  } catch (error) {
    await killAll(started);
    throw error;
  }
}

async function startSentinelProcesses(
  groups: readonly TestMasterGroup[],
  options: StartSentinelsOptions,
  started: ServerProcess[],
): Promise<ServerProcess[]> {
  const count = options.sentinels ?? 3;
  const ports = await Promise.all(Array.from({ length: count }, () => freePort()));
  const ids = ports.map(() => randomBytes(20).toString('hex'));
  const sentinels: ServerProcess[] = [];
  for (const [index, port] of ports.entries()) {
    const config = [`sentinel myid ${ids[index] ?? ''}`];
    if (options.sentinelPassword !== undefined) {
      config.push(`requirepass ${options.sentinelPassword}`, `sentinel sentinel-pass ${options.sentinelPassword}`);
    }
    for (const group of groups) config.push(...monitorLines(group, options, ports, ids, index));
    const sentinel = await startServer({ port, sentinel: true, config });
    started.push(sentinel);
    sentinels.push(sentinel);
  }
  return sentinels;
}

function monitorLines(
  group: TestMasterGroup,
  options: StartSentinelsOptions,
  ports: readonly number[],
  ids: readonly string[],
  self: number,
): string[] {
  const [master, ...replicas] = group.nodes;
  if (master === undefined) throw new Error(`group ${group.name} has no master`);
  const lines = [
    `sentinel monitor ${group.name} 127.0.0.1 ${master.port} ${options.quorum ?? 2}`,
    `sentinel down-after-milliseconds ${group.name} ${options.downAfterMs ?? 1_000}`,
    `sentinel failover-timeout ${group.name} ${options.failoverTimeoutMs ?? 3_000}`,
    `sentinel parallel-syncs ${group.name} 1`,
  ];
  if (options.dataPassword !== undefined) lines.push(`sentinel auth-pass ${group.name} ${options.dataPassword}`);
  for (const replica of replicas) lines.push(`sentinel known-replica ${group.name} 127.0.0.1 ${replica.port}`);
  for (const [index, port] of ports.entries()) {
    if (index !== self) lines.push(`sentinel known-sentinel ${group.name} 127.0.0.1 ${port} ${ids[index] ?? ''}`);
  }
  return lines;
}

class RunningSentinels implements TestSentinels {
  readonly groups: readonly TestMasterGroup[];
  readonly sentinels: readonly ServerProcess[];
  readonly sentinelAddresses: readonly string[];
  readonly #options: StartSentinelsOptions;
  readonly #connections = new Map<string, Redis>();

  constructor(groups: readonly TestMasterGroup[], sentinels: readonly ServerProcess[], options: StartSentinelsOptions) {
    this.groups = groups;
    this.sentinels = sentinels;
    this.sentinelAddresses = sentinels.map((sentinel) => sentinel.address);
    this.#options = options;
  }

  node(address: string): Redis {
    return this.#connect(address, this.#options.dataPassword);
  }

  sentinel(address: string): Redis {
    return this.#connect(`sentinel:${address}`, this.#options.sentinelPassword);
  }

  process(address: string): ServerProcess {
    const found = this.groups.flatMap((group) => group.nodes).find((node) => node.address === address);
    if (found === undefined) throw new Error(`no data node at ${address}`);
    return found;
  }

  async masterOf(name: string): Promise<string> {
    const live = this.sentinels.find((sentinel) => sentinel.isRunning);
    if (live === undefined) throw new Error('no live sentinel');
    const reply = (await this.sentinel(live.address).call('SENTINEL', 'GET-MASTER-ADDR-BY-NAME', name)) as [string, string] | null;
    if (reply === null) throw new Error(`no master named ${name}`);
    return `${reply[0]}:${reply[1]}`;
  }

  async waitUntilReady(): Promise<void> {
    await pollUntil(async () => (await this.#notReadyReason()) === undefined, READY_TIMEOUT_MS, 'sentinels were not ready');
  }

  async #notReadyReason(): Promise<string | undefined> {
    for (const group of this.groups) {
      for (const replica of group.nodes.slice(1)) {
        const info = String(await this.node(replica.address).call('INFO', 'replication'));
        if (!info.includes('master_link_status:up')) return `${replica.address} not synced`;
      }
      for (const sentinel of this.sentinels) {
        const fields = (await this.sentinel(sentinel.address).call('SENTINEL', 'MASTER', group.name)) as string[];
        const field = (key: string): string | undefined => fields[fields.indexOf(key) + 1];
        if (field('flags') !== 'master') return `${sentinel.address} sees flags ${String(field('flags'))}`;
        if (Number(field('num-slaves')) !== group.nodes.length - 1) return `${sentinel.address} misses replicas`;
        if (Number(field('num-other-sentinels')) !== this.sentinels.length - 1) return `${sentinel.address} misses sentinels`;
      }
    }
    return undefined;
  }

  #connect(key: string, password: string | undefined): Redis {
    let connection = this.#connections.get(key);
    if (connection === undefined) {
      const [host = '127.0.0.1', port = '0'] = key.replace(/^sentinel:/, '').split(':');
      connection = new Redis({ host, port: Number(port), password, maxRetriesPerRequest: 1 });
      // Killed nodes make their check connection error; tests only use connections to live nodes.
      connection.on('error', () => undefined);
      this.#connections.set(key, connection);
    }
    return connection;
  }

  async stop(): Promise<void> {
    for (const connection of this.#connections.values()) connection.disconnect();
    this.#connections.clear();
    await killAll([...this.sentinels, ...this.groups.flatMap((group) => group.nodes)]);
  }
}
