import { instrumentPool } from '@pool/core/opentelemetry';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { NodePool } from '../../src/routing/node-pools.js';
import { createSentinelPool } from '../../src/sentinel/sentinel-pool.js';
import { histogramCount, TestMetrics, valueOf } from '../support/metrics.js';
import { startSentinels, type TestSentinels } from '../support/sentinel.js';
import { pollUntil } from '../support/servers.js';

// A sentinel pool's node pools, and how instrumentPool follows them through a failover: one master, one replica and
// one sentinel (quorum 1), so SENTINEL FAILOVER promotes the replica within a few seconds.

const DATA_PASSWORD = 'node-pools-data-secret';
const SENTINEL_PASSWORD = 'node-pools-sentinel-secret';
const NAME_PATTERN = /^mymaster\/(master|replica)\/127\.0\.0\.1:\d+$/;

describe('SentinelPool node pools', () => {
  let deployment: TestSentinels;
  const options = (): Parameters<typeof createSentinelPool>[0] => ({
    sentinels: deployment.sentinelAddresses,
    name: 'mymaster',
    password: DATA_PASSWORD,
    sentinelPassword: SENTINEL_PASSWORD,
    encoding: 'utf8',
    size: 2,
    acquireTimeoutMs: 5_000,
  });

  beforeAll(async () => {
    deployment = await startSentinels({ sentinels: 1, quorum: 1, dataPassword: DATA_PASSWORD, sentinelPassword: SENTINEL_PASSWORD });
  });

  afterAll(async () => {
    await deployment?.stop();
  });

  it('lists the master\'s pool, then a replica\'s once a read needed it, named <master name>/<role>/<host:port>, each announced by +node', async () => {
    const redis = createSentinelPool({ ...options(), readFromReplicas: true });
    const opened: NodePool[] = [];
    const closed: NodePool[] = [];
    redis.on('+node', (nodePool) => opened.push(nodePool));
    redis.on('-node', (nodePool) => closed.push(nodePool));
    try {
      await redis.execute('SET', 'node-pools', 'v');
      const [master = '', replica = ''] = deployment.groups[0]?.nodes.map((node) => node.address) ?? [];
      expect(redis.nodePools()).toEqual([{ name: `mymaster/master/${master}`, node: master, role: 'master', pool: expect.anything() }]);
      await redis.execute('GET', 'node-pools');
      const nodePools = redis.nodePools();
      expect(nodePools.map(({ name, node, role }) => ({ name, node, role }))).toEqual([
        { name: `mymaster/master/${master}`, node: master, role: 'master' },
        { name: `mymaster/replica/${replica}`, node: replica, role: 'replica' },
      ]);
      expect(opened).toHaveLength(2);
      expect(opened.every((nodePool, index) => nodePool === nodePools[index])).toBe(true);
      for (const { name } of nodePools) expect(name).toMatch(NAME_PATTERN); // no password in a name
      // The replica's pool served the read, the master's the write.
      expect(nodePools.map(({ pool }) => pool.stats().acquired)).toEqual([1, 1]);
    } finally {
      await redis.close();
    }
    expect(closed).toHaveLength(2);
    expect(closed.every((nodePool) => opened.includes(nodePool))).toBe(true);
    expect(opened.every(({ pool }) => pool.isClosed)).toBe(true);
    expect(redis.nodePools()).toEqual([]);
  });

  it('after SENTINEL FAILOVER, +node hands over the new master\'s pool, which instrumentPool then records; the old pool\'s recording stops', async () => {
    const telemetry = new TestMetrics();
    const redis = createSentinelPool(options());
    const opened: NodePool[] = [];
    const closed: NodePool[] = [];
    const follow = (nodePool: NodePool): void => {
      opened.push(nodePool);
      instrumentPool(nodePool.pool, { name: nodePool.name, meterProvider: telemetry.provider });
    };
    redis.on('+node', follow);
    redis.on('-node', (nodePool) => closed.push(nodePool));
    try {
      await redis.execute('SET', 'before', '1');
      const oldMaster = await deployment.masterOf('mymaster');
      const [oldPool] = opened;
      expect(opened.map(({ name }) => name)).toEqual([`mymaster/master/${oldMaster}`]);
      const before = await telemetry.collect();
      expect(histogramCount(before, 'db.client.connection.wait_time', `mymaster/master/${oldMaster}`)).toBe(1);

      await deployment.sentinel(deployment.sentinelAddresses[0] ?? '').call('SENTINEL', 'FAILOVER', 'mymaster');
      await pollUntil(() => redis.master !== undefined && redis.master !== oldMaster, 10_000, 'the pool followed the failover');
      const newMaster = redis.master ?? '';
      const newName = `mymaster/master/${newMaster}`;
      expect(newMaster).toBe(await deployment.masterOf('mymaster'));
      expect(opened.map(({ name }) => name)).toEqual([`mymaster/master/${oldMaster}`, newName]);
      expect(closed).toHaveLength(1);
      expect(closed[0]).toBe(oldPool);
      expect(redis.nodePools()).toHaveLength(1);
      expect(redis.nodePools()[0]).toBe(opened[1]);
      expect(oldPool?.pool.isClosed).toBe(true);

      // Writes may be refused (READONLY) until the promoted replica has taken over; retries cover that.
      expect(await redis.execute('SET', 'after', '2')).toBe('OK');
      const after = await telemetry.collect();
      // +node came before the pool's first connection and first lease: every one of them was recorded.
      const newStats = opened[1]?.pool.stats();
      expect(newStats?.acquired).toBeGreaterThanOrEqual(1);
      expect(histogramCount(after, 'db.client.connection.wait_time', newName)).toBe(newStats?.acquired);
      expect(histogramCount(after, 'db.client.connection.create_time', newName)).toBe(newStats?.created);
      expect(valueOf(after, 'db.client.connection.max', newName)).toBe(2);
      // The closed pool reports its last zeros, and its recording has let go of it.
      const oldName = `mymaster/master/${oldMaster}`;
      expect(valueOf(after, 'db.client.connection.max', oldName)).toBe(0);
      expect(valueOf(after, 'db.client.connection.count', oldName, { 'db.client.connection.state': 'idle' })).toBe(0);
      await Promise.resolve();
      expect(oldPool?.pool.listenerCount('acquire')).toBe(0);
      expect(opened[1]?.pool.listenerCount('acquire')).toBe(1);
    } finally {
      await redis.close();
      await telemetry.shutdown();
    }
  });
});
