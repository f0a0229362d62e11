import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHashPool, keySlot, type HashPool } from '../../src/index.js';
import { killAll, startServers, type ServerProcess } from '../support/servers.js';
import { typedCommandsContract } from './commands-contract.js';
import { hashPool } from './harness.js';

describe('HashPool.commands over two servers', () => {
  let servers: ServerProcess[];

  beforeAll(async () => {
    servers = await startServers(2);
  });

  afterAll(async () => {
    await killAll(servers ?? []);
  });

  describe.each([
    { mode: 'exclusive', multiplex: false },
    { mode: 'multiplexed', multiplex: true },
  ])('$mode mode', ({ mode, multiplex }) => {
    let shards: HashPool;

    beforeAll(() => {
      shards = createHashPool({ buckets: servers.map((server) => server.address), size: 4, readTimeoutMs: 500, acquireTimeoutMs: 5_000, multiplex });
    });

    afterAll(async () => {
      await shards?.close();
    });

    typedCommandsContract(() => hashPool(shards), { tag: `hash-${mode}`, multiplexed: multiplex });

    it('a command goes to the bucket of its key, keySlot(key) % 2, checked on both servers', async () => {
      const key = `typed:${mode}:bucketed`;
      await shards.commands.set(key, 'here');
      const owner = keySlot(key) % 2;
      for (const [index, server] of servers.entries()) {
        const found = await shards.on({ node: server.address }).commands.exists(key);
        expect(found, `${key} on bucket ${index}`).toBe(index === owner ? 1 : 0);
      }
    });

    it('a keyless command or batch needs a target: NO_TARGET without one, on(target).commands with one', async () => {
      await expect(shards.commands.dbsize()).rejects.toMatchObject({ code: 'NO_TARGET', command: 'DBSIZE' });
      await expect(shards.commands.multi().ping().exec()).rejects.toMatchObject({ code: 'NO_TARGET' });
      expect(await shards.on({ shardKey: 'x' }).commands.ping()).toBe('PONG');
      expect(await shards.on({ node: servers[1]?.address ?? '' }).commands.multi().ping().exec()).toEqual([[null, 'PONG']]);
    });

    it('keys in different buckets fail with CROSS_SLOT, for commands and batches alike', async () => {
      const keys = Array.from({ length: 20 }, (_, index) => `typed:${mode}:spread:${index}`);
      const a = keys.find((key) => keySlot(key) % 2 === 0) ?? '';
      const b = keys.find((key) => keySlot(key) % 2 === 1) ?? '';
      await expect(shards.commands.mget(a, b)).rejects.toMatchObject({ code: 'CROSS_SLOT' });
      await expect(shards.commands.pipeline().get(a).get(b).exec()).rejects.toMatchObject({ code: 'CROSS_SLOT' });
    });
  });
});
