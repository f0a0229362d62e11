import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSentinelHashPool, createSentinelPool, keySlot, type SentinelHashPool, type SentinelPool } from '../../src/index.js';
import { startSentinels, type TestSentinels } from '../support/sentinel.js';
import { typedCommandsContract } from './commands-contract.js';
import { hashPool, singlePool } from './harness.js';

describe('SentinelPool.commands and SentinelHashPool.commands', () => {
  let deployment: TestSentinels;

  beforeAll(async () => {
    deployment = await startSentinels({
      masters: [
        { name: 'alpha', replicas: 0 },
        { name: 'beta', replicas: 0 },
      ],
      sentinels: 1,
      quorum: 1,
    });
  });

  afterAll(async () => {
    await deployment?.stop();
  });

  describe.each([
    { mode: 'exclusive', multiplex: false },
    { mode: 'multiplexed', multiplex: true },
  ])('SentinelPool, $mode mode', ({ mode, multiplex }) => {
    let redis: SentinelPool;

    beforeAll(() => {
      redis = createSentinelPool({ sentinels: deployment.sentinelAddresses, name: 'alpha', size: 4, readTimeoutMs: 500, acquireTimeoutMs: 5_000, multiplex });
    });

    afterAll(async () => {
      await redis?.close();
    });

    typedCommandsContract(() => singlePool(redis), { tag: `sentinel-${mode}`, multiplexed: multiplex });

    it('commands and batches go to the master the sentinels name', async () => {
      await redis.commands.set(`typed:${mode}:on-master`, 'yes');
      await redis.commands.multi().set(`typed:${mode}:tx-on-master`, 'yes').exec();
      const master = deployment.node(await deployment.masterOf('alpha'));
      expect(await master.mget(`typed:${mode}:on-master`, `typed:${mode}:tx-on-master`)).toEqual(['yes', 'yes']);
    });
  });

  describe.each([
    { mode: 'exclusive', multiplex: false },
    { mode: 'multiplexed', multiplex: true },
  ])('SentinelHashPool, $mode mode', ({ mode, multiplex }) => {
    let shards: SentinelHashPool;

    beforeAll(() => {
      shards = createSentinelHashPool({
        sentinels: deployment.sentinelAddresses,
        buckets: ['alpha', 'beta'],
        size: 4,
        readTimeoutMs: 500,
        acquireTimeoutMs: 5_000,
        multiplex,
      });
    });

    afterAll(async () => {
      await shards?.close();
    });

    typedCommandsContract(() => hashPool(shards), { tag: `sentinel-hash-${mode}`, multiplexed: multiplex });

    it('a command goes to the master of its bucket; a keyless one needs on({ node: masterName })', async () => {
      const key = Array.from({ length: 20 }, (_, index) => `typed:${mode}:beta:${index}`).find((candidate) => keySlot(candidate) % 2 === 1) ?? '';
      await shards.commands.set(key, 'on-beta');
      expect(await deployment.node(await deployment.masterOf('beta')).get(key)).toBe('on-beta');
      await expect(shards.commands.ping()).rejects.toMatchObject({ code: 'NO_TARGET' });
      expect(await shards.on({ node: 'beta' }).commands.get(key)).toBe('on-beta');
    });
  });
});
