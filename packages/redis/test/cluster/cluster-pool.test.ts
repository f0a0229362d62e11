import type { Socket } from 'node:net';
import type { Cluster, Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createClusterPool, type ClusterPool } from '../../src/cluster/cluster-pool.js';
import { keySlot } from '../../src/routing/hash-slot.js';
import { startCluster, type TestCluster } from '../support/cluster.js';
import { collectWarnings } from '../support/harness.js';
import { countClients, pollUntil } from '../support/servers.js';

const CONNECTION_NAME = 'cluster-pool-test';

describe('ClusterPool on a cluster of 3 masters and 3 replicas', () => {
  let cluster: TestCluster;
  let pool: ClusterPool;

  beforeAll(async () => {
    cluster = await startCluster({ masters: 3, replicasPerMaster: 1 });
    pool = createClusterPool({ seeds: cluster.seeds, encoding: 'utf8', size: 4, acquireTimeoutMs: 5_000, connectionName: CONNECTION_NAME });
  });

  afterAll(async () => {
    await pool?.close();
    await cluster?.stop();
  });

  it('each key lands on the master that serves its slot, checked on that node directly', async () => {
    const keys = Array.from({ length: 30 }, (_, index) => `cluster:routing:${index}`);
    await Promise.all(keys.map((key) => pool.execute('SET', key, key)));
    for (const key of keys) {
      const master = await cluster.masterOf(keySlot(key));
      // A plain connection to that node reads it without any redirection.
      expect(await cluster.node(master).get(key), `${key} on ${master}`).toBe(key);
    }
  });

  // Regression: ioredis' slotsRefreshTimeout and connectTimeout took connTimeoutMs as is; past 2^31-1 ms Node fires
  // them after 1 ms, so no cluster connect could load the slots.
  it('limits longer than a Node timer honours are capped: the pool connects and answers', async () => {
    const warnings = await collectWarnings(async () => {
      const longPool = createClusterPool({ seeds: cluster.seeds, encoding: 'utf8', size: 1, connTimeoutMs: 2 ** 31, readTimeoutMs: 2 ** 40 });
      try {
        await longPool.execute('SET', 'cluster:long-limits', 'ok');
        expect(await longPool.execute('GET', 'cluster:long-limits')).toBe('ok');
      } finally {
        await longPool.close();
      }
    });
    expect(warnings).toEqual([]);
  });

  it('a multi-key command on keys of one slot works', async () => {
    await pool.execute('MSET', '{order:9}.id', '9', '{order:9}.state', 'paid');
    expect(await pool.execute('MGET', '{order:9}.id', '{order:9}.state')).toEqual(['9', 'paid']);
  });

  it('a multi-key command across slots fails with CROSS_SLOT before anything is sent', async () => {
    await expect(pool.execute('MSET', 'cross:a', '1', 'cross:b', '2')).rejects.toMatchObject({ code: 'CROSS_SLOT', command: 'MSET' });
    expect(await pool.execute('EXISTS', 'cross:a')).toBe(0);
  });

  it('a keyless command needs a target, and on({ shardKey }) runs it on the shard key\'s master', async () => {
    await expect(pool.execute('EVAL', 'return 1', 0)).rejects.toMatchObject({ code: 'NO_TARGET' });
    const script = "return redis.call('SET', ARGV[1], 'by-script')";
    await pool.on({ shardKey: 'shard{7}' }).execute('EVAL', script, 0, '{7}:written');
    expect(await cluster.node(await cluster.masterOf(keySlot('7'))).get('{7}:written')).toBe('by-script');
  });

  it('on({ node }) runs a command on that node, and an unknown node fails with UNKNOWN_NODE', async () => {
    const master = await cluster.masterOf(0);
    expect(await pool.on({ node: master }).execute('CLUSTER', 'MYID')).toBe(await cluster.node(master).call('CLUSTER', 'MYID'));
    await expect(pool.on({ node: '127.0.0.1:1' }).execute('PING')).rejects.toMatchObject({ code: 'UNKNOWN_NODE' });
  });

  it('use() leases a cluster client for a transaction on one slot', async () => {
    const replies = await pool.use((client) => client.multi().set('{tx}.a', '1').incr('{tx}.a').exec());
    expect(replies).toEqual([
      [null, 'OK'],
      [null, 2],
    ]);
    expect(await cluster.node(await cluster.masterOf(keySlot('tx'))).get('{tx}.a')).toBe('2');
  });

  it('a command that changes connection state (CLIENT SETNAME) makes the pool replace that cluster client', async () => {
    const before = pool.stats().destroyed;
    await pool.on({ shardKey: 'renamed' }).execute('CLIENT', 'SETNAME', 'renamed-by-a-caller');
    expect(pool.stats().destroyed).toBe(before + 1);
    const master = await cluster.masterOf(keySlot('renamed'));
    await pollUntil(async () => (await countClients(cluster.node(master), 'renamed-by-a-caller')) === 0, 2_000, 'the renamed connection closed');
  });

  it('readFromReplicas sends reads to a replica of the slot and writes to its master', async () => {
    const replicaPool = createClusterPool({ seeds: cluster.seeds, encoding: 'utf8', size: 2, readFromReplicas: true });
    try {
      const key = 'replica:read';
      await replicaPool.execute('SET', key, 'v');
      const [replica = ''] = await cluster.replicasOf(keySlot(key));
      const master = await cluster.masterOf(keySlot(key));
      await pollUntil(async () => (await cluster.node(replica).call('READONLY').then(() => cluster.node(replica).get(key))) === 'v', 5_000, 'replication');
      const before = await getCalls(cluster, [replica, master]);
      for (let index = 0; index < 10; index++) expect(await replicaPool.execute('GET', key)).toBe('v');
      const after = await getCalls(cluster, [replica, master]);
      expect((after[0] ?? 0) - (before[0] ?? 0)).toBe(10);
      expect(after[1]).toBe(before[1]);
    } finally {
      await replicaPool.close();
    }
  });

  it('64 concurrent callers never open more than size connections on any node (CLIENT LIST)', async () => {
    let maxSeen = 0;
    let running = true;
    const sampler = (async () => {
      while (running) {
        const counts = await Promise.all(cluster.nodes.map((node) => countClients(cluster.node(node.address), CONNECTION_NAME)));
        maxSeen = Math.max(maxSeen, ...counts);
      }
    })();
    await Promise.all(
      Array.from({ length: 64 }, async (_, caller) => {
        for (let round = 0; round < 10; round++) await pool.execute('INCR', `cluster:load:${caller % 16}`);
      }),
    );
    running = false;
    await sampler;
    expect(maxSeen).toBeGreaterThan(0);
    expect(maxSeen).toBeLessThanOrEqual(4);
  });

  it('multiplexed mode runs concurrent commands on one held cluster client, each routed by its slot', async () => {
    const shared = createClusterPool({ seeds: cluster.seeds, encoding: 'utf8', size: 4, acquireTimeoutMs: 5_000, multiplex: true });
    try {
      const keys = Array.from({ length: 200 }, (_, index) => `cluster:shared:${index}`);
      await Promise.all(keys.map((key) => shared.execute('SET', key, key)));
      expect(await Promise.all(keys.map((key) => shared.execute('GET', key)))).toEqual(keys);
      for (const key of keys.slice(0, 10)) expect(await cluster.node(await cluster.masterOf(keySlot(key))).get(key)).toBe(key);
      // One client served all 400 commands and is still held for the next ones.
      expect(shared.stats()).toMatchObject({ created: 1, inUse: 1 });
      // A transaction still leases a client of its own.
      const replies = await shared.use((client) => client.multi().set('{mx}.a', '1').incr('{mx}.a').exec());
      expect(replies).toEqual([
        [null, 'OK'],
        [null, 2],
      ]);
      expect(shared.stats()).toMatchObject({ created: 2, inUse: 1 });
    } finally {
      await shared.close();
    }
    expect(shared.stats()).toMatchObject({ inUse: 0, created: 2, destroyed: 2 });
  });

  it("multiplexed mode sends one tick's commands to a node in one socket write, replies matched in order", async () => {
    const shared = createClusterPool({ seeds: cluster.seeds, encoding: 'utf8', size: 2, acquireTimeoutMs: 5_000, multiplex: true });
    let held: Cluster | undefined;
    shared.pool.on('acquire', (client) => (held = client));
    try {
      await shared.execute('SET', '{coalesce}.warm', '1');
      const client = held as Cluster;
      const master = client.slots[keySlot('{coalesce}')]?.[0];
      const node = client.nodes('master').find((candidate) => `${candidate.options.host}:${candidate.options.port}` === master) as Redis;
      const stream = node.stream as Socket & { _write: unknown; _writev: unknown };
      let socketWrites = 0;
      const write = stream._write as (...args: unknown[]) => unknown;
      const writev = stream._writev as (...args: unknown[]) => unknown;
      stream._write = (...args: unknown[]) => (socketWrites++, write.apply(stream, args));
      stream._writev = (...args: unknown[]) => (socketWrites++, writev.apply(stream, args));
      // The node lookup is indexed once, not redone per command.
      let nodeListings = 0;
      const nodes = client.nodes.bind(client);
      client.nodes = (...args: Parameters<Cluster['nodes']>) => (nodeListings++, nodes(...args));
      const keys = Array.from({ length: 20 }, (_, index) => `{coalesce}.${index}`);
      await Promise.all(keys.map((key) => shared.execute('SET', key, key)));
      expect(socketWrites).toBe(1);
      expect(await Promise.all(keys.map((key) => shared.execute('GET', key)))).toEqual(keys);
      expect(socketWrites).toBe(2);
      expect(nodeListings).toBe(0);
    } finally {
      await shared.close();
    }
  });

  it('closing a multiplexed pool lets the commands in flight finish, then refuses new ones', async () => {
    const shared = createClusterPool({ seeds: cluster.seeds, encoding: 'utf8', size: 2, multiplex: true });
    const inFlight = Array.from({ length: 50 }, (_, index) => shared.execute('SET', `cluster:closing:${index}`, 'v'));
    const closing = shared.close();
    // Regression: a second close() while the first waits must not replace the first one's wait.
    const closingAgain = shared.close();
    expect(await Promise.all(inFlight)).toEqual(Array.from({ length: 50 }, () => 'OK'));
    await Promise.all([closing, closingAgain]);
    await expect(shared.execute('GET', 'cluster:closing:0')).rejects.toMatchObject({ code: 'POOL_CLOSED' });
    expect(shared.stats()).toMatchObject({ inUse: 0, created: 1, destroyed: 1 });
  });

  it('multiplexed mode retires the shared client after maxLifetimeMs under constant use, never reporting it as a leak', async () => {
    const shared = createClusterPool({ seeds: cluster.seeds, encoding: 'utf8', size: 2, acquireTimeoutMs: 5_000, multiplex: true, maxLifetimeMs: 300, leakDetectionMs: 2_000 });
    const leaks: unknown[] = [];
    shared.pool.on('leak', (report) => leaks.push(report));
    let stopped = false;
    const failures: unknown[] = [];
    const deadline = Date.now() + 20_000;
    const callers = Array.from({ length: 32 }, async (_, caller) => {
      while (!stopped && Date.now() < deadline) {
        try {
          await shared.execute('INCR', `cluster:lifetime:${caller}`);
        } catch (error) {
          failures.push(error);
          return;
        }
      }
    });
    try {
      // Regression: the shared client was held forever, past maxLifetimeMs.
      await expect.poll(() => shared.stats().destroyed, { timeout: 10_000 }).toBeGreaterThanOrEqual(2);
    } finally {
      stopped = true;
      await Promise.all(callers);
      await shared.close();
    }
    expect(failures).toEqual([]);
    expect(leaks).toEqual([]);
  });

  it('follows ASK and then MOVED while a slot migrates to another master during the test', async () => {
    const key = 'migrating:{m}';
    const slot = keySlot(key);
    await pool.execute('SET', key, 'before');
    const source = await cluster.masterOf(slot);
    const masters = [...new Set(await Promise.all([0, 6000, 12000].map((probe) => cluster.masterOf(probe))))];
    const target = masters.find((address) => address !== source) ?? '';
    const [sourceId, targetId] = await Promise.all([source, target].map(async (address) => String(await cluster.node(address).call('CLUSTER', 'MYID'))));
    await cluster.node(target).call('CLUSTER', 'SETSLOT', String(slot), 'IMPORTING', sourceId ?? '');
    await cluster.node(source).call('CLUSTER', 'SETSLOT', String(slot), 'MIGRATING', targetId ?? '');
    const [targetHost = '', targetPort = ''] = target.split(':');
    await cluster.node(source).call('MIGRATE', targetHost, targetPort, '', '0', '5000', 'KEYS', key);
    // The key now lives on the target while the source still owns the slot: the source answers ASK.
    expect(await pool.execute('GET', key)).toBe('before');
    await pool.execute('SET', 'new:{m}', 'during');
    expect(await cluster.node(target).call('ASKING').then(() => cluster.node(target).get('new:{m}'))).toBe('during');
    for (const address of masters) await cluster.node(address).call('CLUSTER', 'SETSLOT', String(slot), 'NODE', targetId ?? '');
    // Ownership moved: the source answers MOVED, and the pool's clients follow it.
    expect(await pool.execute('GET', key)).toBe('before');
    await pool.execute('SET', key, 'after');
    expect(await cluster.node(target).get(key)).toBe('after');
    expect(await cluster.node(source).call('CLUSTER', 'COUNTKEYSINSLOT', String(slot))).toBe(0);
  });
});

describe('ClusterPool failover', () => {
  let cluster: TestCluster;

  beforeAll(async () => {
    cluster = await startCluster({ masters: 3, replicasPerMaster: 1, nodeTimeoutMs: 1_000 });
  });

  afterAll(async () => {
    await cluster?.stop();
  });

  it('after a master is killed, 64 concurrent callers each succeed or fail with a typed error, then all succeed', async () => {
    const readTimeoutMs = 1_000;
    const acquireTimeoutMs = 2_000;
    const pool = createClusterPool({ seeds: cluster.seeds, encoding: 'utf8', size: 8, readTimeoutMs, acquireTimeoutMs });
    try {
      const key = (caller: number): string => `failover:${caller}`;
      const victim = await cluster.masterOf(keySlot(key(0)));
      const outcomes: { ok: boolean; code?: string; elapsedMs: number }[] = [];
      const call = async (caller: number): Promise<boolean> => {
        const started = performance.now();
        try {
          await pool.execute('INCR', key(caller));
          outcomes.push({ ok: true, elapsedMs: performance.now() - started });
          return true;
        } catch (error) {
          outcomes.push({ ok: false, code: (error as { code?: string }).code ?? 'untyped', elapsedMs: performance.now() - started });
          return false;
        }
      };
      await Promise.all(Array.from({ length: 64 }, (_, caller) => call(caller)));
      expect(outcomes.every((outcome) => outcome.ok)).toBe(true);
      const victimNode = cluster.nodes.find((node) => node.address === victim);
      const killedAt = performance.now();
      await victimNode?.kill();
      // Keep all 64 callers busy until a whole round succeeds against the promoted replica.
      let roundsAfterKill = 0;
      for (;;) {
        roundsAfterKill++;
        const results = await Promise.all(Array.from({ length: 64 }, (_, caller) => call(caller)));
        if (results.every(Boolean)) break;
        if (performance.now() - killedAt > 30_000) throw new Error('calls did not recover within 30 s');
      }
      const failures = outcomes.filter((outcome) => !outcome.ok);
      const slowest = Math.max(...outcomes.map((outcome) => outcome.elapsedMs));
      console.log(
        `cluster failover: all 64 callers succeeded ${Math.round(performance.now() - killedAt)} ms after the kill, ` +
          `${roundsAfterKill} rounds, ${failures.length} typed failures (${[...new Set(failures.map((failure) => failure.code))].join(', ')}), ` +
          `slowest call ${Math.round(slowest)} ms`,
      );
      expect(failures.every((failure) => failure.code !== 'untyped')).toBe(true);
      // Generous bound: a call is cut at readTimeoutMs (+ acquireTimeoutMs waiting for a client), never left hanging.
      expect(slowest).toBeLessThan(readTimeoutMs + acquireTimeoutMs + 2_000);
      expect(await cluster.masterOf(keySlot(key(0)))).not.toBe(victim);
    } finally {
      await pool.close();
    }
  });
});

async function getCalls(cluster: TestCluster, addresses: readonly string[]): Promise<number[]> {
  return Promise.all(
    addresses.map(async (address) => {
      const stats = String(await cluster.node(address).call('INFO', 'commandstats'));
      return Number(/cmdstat_get:calls=(\d+)/.exec(stats)?.[1] ?? 0);
    }),
  );
}

describe('createClusterPool options', () => {
  it.each([
    [{ seeds: [] }],
    [{ seeds: ['127.0.0.1:nope'] }],
    [{ seeds: ['127.0.0.1:7000'], database: 1 }],
    [{ seeds: ['127.0.0.1:7000'], maxInFlightPerConnection: 8 }],
    [{ seeds: ['127.0.0.1:7000'], multiplex: 'yes' }],
    [{ seeds: ['127.0.0.1:7000'], host: '127.0.0.1' }],
    [{ seeds: ['127.0.0.1:7000'], maxRedirections: 0 }],
    [{ seeds: ['127.0.0.1:7000'], readFromReplicas: 1 }],
    [{ seeds: ['127.0.0.1:7000'], size: -1 }],
    [{ seeds: ['127.0.0.1:7000'], readTimeoutMs: 0 }],
  ])('rejects %j with INVALID_OPTION before connecting anywhere', (options) => {
    expect(() => createClusterPool(options as never)).toThrow(expect.objectContaining({ code: 'INVALID_OPTION' }));
  });
});
