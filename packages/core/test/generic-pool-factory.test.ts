import genericPool from 'generic-pool';
import { describe, expect, it } from 'vitest';
import { createPool } from '@pool/core';

/** What a generic-pool user already has: a connection-like object and counters to watch the factory. */
interface Connection {
  readonly id: number;
  healthy: boolean;
}

/** A factory written exactly in generic-pool's documented shape (README "Creating a pool"). */
function makeFactory() {
  const log = { created: 0, destroyed: [] as number[], validated: [] as number[] };
  let nextId = 1;
  const factory = {
    create: async () => {
      log.created++;
      return { id: nextId++, healthy: true } satisfies Connection as Connection;
    },
    destroy: async (connection: Connection) => {
      log.destroyed.push(connection.id);
    },
    validate: async (connection: Connection) => {
      log.validated.push(connection.id);
      return connection.healthy;
    },
  };
  return { factory, log };
}

describe('a generic-pool factory', () => {
  it('plugs into createPool unchanged, and the very same object drives generic-pool', async () => {
    const { factory, log } = makeFactory();

    const theirs = genericPool.createPool(factory, { max: 2, testOnBorrow: true });
    const theirConnection = await theirs.acquire();
    await theirs.release(theirConnection);
    expect(await theirs.acquire()).toBe(theirConnection);
    expect(log.validated).toEqual([theirConnection.id, theirConnection.id]);
    await theirs.release(theirConnection);
    await theirs.drain();
    await theirs.clear();
    expect(log.destroyed).toEqual([theirConnection.id]);

    log.validated.length = 0;
    const ours = createPool(factory, { size: 2 });
    const connection = await ours.acquire();
    await ours.release(connection);
    connection.healthy = false; // died while idle: validate must catch it
    const replacement = await ours.acquire();
    expect(replacement).not.toBe(connection);
    expect(log.validated).toEqual([connection.id]);
    expect(log.destroyed).toEqual([theirConnection.id, connection.id]);
    await ours.release(replacement);
    await ours.close();
    expect(log.destroyed).toEqual([theirConnection.id, connection.id, replacement.id]);
    expect(log.created).toBe(3);
  });
});
