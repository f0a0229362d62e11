import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createClusterPool, keySlot, type ClusterPool } from '../../src/index.js';
import { startCluster, type TestCluster } from '../support/cluster.js';
import { typedCommandsContract } from './commands-contract.js';
import { clusterPool } from './harness.js';

describe('ClusterPool.commands on a cluster of 3 masters', () => {
  let cluster: TestCluster;

  beforeAll(async () => {
    cluster = await startCluster({ masters: 3, replicasPerMaster: 0 });
  });

  afterAll(async () => {
    await cluster?.stop();
  });

  describe.each([
    { mode: 'exclusive', multiplex: false },
    { mode: 'multiplexed', multiplex: true },
  ])('$mode mode', ({ mode, multiplex }) => {
    let pool: ClusterPool;

    beforeAll(() => {
      pool = createClusterPool({ seeds: cluster.seeds, size: 4, readTimeoutMs: 500, acquireTimeoutMs: 5_000, multiplex });
    });

    afterAll(async () => {
      await pool?.close();
    });

    typedCommandsContract(() => clusterPool(pool, multiplex), { tag: `cluster-${mode}`, multiplexed: multiplex });

    it('a command goes to the master of its key, checked on that node directly', async () => {
      const key = `typed:${mode}:routed`;
      await pool.commands.set(key, 'here');
      expect(await cluster.node(await cluster.masterOf(keySlot(key))).get(key)).toBe('here');
    });

    it('a keyless command needs a target: NO_TARGET without one, routed by on(target).commands with one', async () => {
      await expect(pool.commands.ping()).rejects.toMatchObject({ code: 'NO_TARGET', command: 'PING' });
      expect(await pool.on({ shardKey: 'anything' }).commands.ping()).toBe('PONG');
      const node = await cluster.masterOf(keySlot(`typed:${mode}:routed`));
      expect(await pool.on({ node }).commands.dbsize()).toBe(await cluster.node(node).dbsize());
    });

    it('keys in different slots fail with CROSS_SLOT before anything is sent, for commands and batches alike', async () => {
      const [a, b] = ['typed:cross:a', 'typed:cross:b'];
      expect(keySlot(a)).not.toBe(keySlot(b));
      await expect(pool.commands.mset(a, '1', b, '2')).rejects.toMatchObject({ code: 'CROSS_SLOT' });
      await expect(pool.commands.multi().set(a, '1').set(b, '2').exec()).rejects.toMatchObject({ code: 'CROSS_SLOT' });
      await expect(pool.commands.pipeline().ping().exec()).rejects.toMatchObject({ code: 'NO_TARGET' });
      expect(await pool.commands.exists(a)).toBe(0);
    });

    it('on(target).commands.multi() runs a keyless or keyed batch on the target node', async () => {
      const node = await cluster.masterOf(keySlot('{typed-target}'));
      expect(await pool.on({ node }).commands.pipeline().ping().dbsize().exec()).toEqual([
        [null, 'PONG'],
        [null, await cluster.node(node).dbsize()],
      ]);
      const replies = await pool.on({ shardKey: '{typed-target}' }).commands.multi().ping().set('{typed-target}:k', 'v').exec();
      expect(replies).toEqual([
        [null, 'PONG'],
        [null, 'OK'],
      ]);
      expect(await cluster.node(node).get('{typed-target}:k')).toBe('v');
      await expect(pool.on({ shardKey: '{typed-target}' }).commands.multi().set('elsewhere', 'v').exec()).rejects.toMatchObject({
        code: 'CROSS_SLOT',
      });
    });
  });
});
