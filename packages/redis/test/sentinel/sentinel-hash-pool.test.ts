import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { keySlot } from '../../src/routing/hash-slot.js';
import { createSentinelHashPool, type SentinelHashPool } from '../../src/sentinel/sentinel-hash-pool.js';
import { startSentinels, type TestSentinels } from '../support/sentinel.js';
import { pollUntil } from '../support/servers.js';

describe('SentinelHashPool over two master names', () => {
  let deployment: TestSentinels;
  let shards: SentinelHashPool;
  const names = ['alpha', 'beta'] as const;

  beforeAll(async () => {
    deployment = await startSentinels({
      masters: [
        { name: 'alpha', replicas: 1 },
        { name: 'beta', replicas: 0 },
      ],
      sentinels: 1,
      quorum: 1,
    });
    shards = createSentinelHashPool({ sentinels: deployment.sentinelAddresses, buckets: names, encoding: 'utf8', size: 4, acquireTimeoutMs: 5_000 });
  });

  afterAll(async () => {
    await shards?.close();
    await deployment?.stop();
  });

  it('each key lands on the master of bucket keySlot(key) % 2, checked on both masters directly', async () => {
    const keys = Array.from({ length: 30 }, (_, index) => `sharded:${index}`);
    await Promise.all(keys.map((key) => shards.execute('SET', key, key)));
    const masters = await Promise.all(names.map((name) => deployment.masterOf(name)));
    for (const key of keys) {
      const expected = keySlot(key) % 2;
      for (const [index, master] of masters.entries()) {
        expect(await deployment.node(master).get(key), `${key} on ${names[index]}`).toBe(index === expected ? key : null);
      }
    }
  });

  it('on({ node }) takes a master name, and a keyless command without a target fails with NO_TARGET', async () => {
    await deployment.node(await deployment.masterOf('beta')).set('only:beta', 'b');
    expect(await shards.on({ node: 'beta' }).execute('GET', 'only:beta')).toBe('b');
    await expect(shards.execute('PING')).rejects.toMatchObject({ code: 'NO_TARGET' });
    expect(() => shards.on({ node: 'gamma' })).toThrow(expect.objectContaining({ code: 'UNKNOWN_NODE' }));
  });

  it('nodePools() lists each bucket\'s master pool, in bucket order, named <master name>/master/<host:port>', async () => {
    await Promise.all(shards.nodes.map((node) => shards.on({ node }).execute('PING')));
    const masters = await Promise.all(names.map((name) => deployment.masterOf(name)));
    expect(shards.nodePools().map(({ name, node, role }) => ({ name, node, role }))).toEqual([
      { name: `alpha/master/${masters[0] ?? ''}`, node: masters[0], role: 'master' },
      { name: `beta/master/${masters[1] ?? ''}`, node: masters[1], role: 'master' },
    ]);
    const bucketPools = shards.buckets.map((bucket) => bucket.nodePools()[0]?.pool);
    expect(shards.nodePools().every(({ pool }, index) => pool === bucketPools[index])).toBe(true);
  });

  it('a bucket follows its master through a failover while the other bucket is untouched', async () => {
    const key = Array.from({ length: 100 }, (_, index) => `follow:${index}`).find((candidate) => keySlot(candidate) % 2 === 0) ?? '';
    await shards.execute('SET', key, 'before');
    const oldAlpha = await deployment.masterOf('alpha');
    const betaMaster = shards.buckets[1]?.master;
    const opened: string[] = [];
    for (const bucket of shards.buckets) bucket.on('+node', (nodePool) => opened.push(nodePool.name));
    await deployment.sentinel(deployment.sentinelAddresses[0] ?? '').call('SENTINEL', 'FAILOVER', 'alpha');
    await pollUntil(async () => (await deployment.masterOf('alpha')) !== oldAlpha, 10_000, 'alpha failed over');
    const newAlpha = await deployment.masterOf('alpha');
    // The sentinel's +switch-master moves the bucket; writes sent before that may still reach the old master.
    await pollUntil(() => shards.buckets[0]?.master === newAlpha, 5_000, 'the alpha bucket switched');
    expect(await shards.execute('SET', key, 'after')).toBe('OK');
    expect(await deployment.node(newAlpha).get(key)).toBe('after');
    expect(shards.buckets[1]?.master).toBe(betaMaster);
    // Only the alpha bucket opened a pool, announced through that bucket's +node.
    expect(opened).toEqual([`alpha/master/${newAlpha}`]);
    expect(shards.nodePools().map(({ name }) => name)).toEqual([`alpha/master/${newAlpha}`, `beta/master/${betaMaster ?? ''}`]);
  });
});

describe('createSentinelHashPool options', () => {
  it.each([
    [{ sentinels: ['127.0.0.1:26379'], buckets: [] }],
    [{ sentinels: ['127.0.0.1:26379'], buckets: ['a', 'a'] }],
    [{ sentinels: ['127.0.0.1:26379'], buckets: ['a'], name: 'b' }],
    [{ sentinels: [], buckets: ['a'] }],
  ])('rejects %j with INVALID_OPTION', (options) => {
    expect(() => createSentinelHashPool(options as never)).toThrow(expect.objectContaining({ code: 'INVALID_OPTION' }));
  });
});
