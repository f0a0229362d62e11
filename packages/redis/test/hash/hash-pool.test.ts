import { Redis } from 'ioredis';
import { instrumentPool } from '@pool/core/opentelemetry';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHashPool, type HashPool } from '../../src/hash/hash-pool.js';
import { keySlot } from '../../src/routing/hash-slot.js';
import { histogramCount, poolNames, TestMetrics, valueOf } from '../support/metrics.js';
import { countClients, killAll, startServers, type ServerProcess } from '../support/servers.js';

const CONNECTION_NAME = 'hash-pool-test';

describe('HashPool over three independent servers', () => {
  let servers: ServerProcess[];
  let direct: Redis[];
  let shards: HashPool;

  beforeAll(async () => {
    servers = await startServers(3);
    direct = servers.map((server) => new Redis({ port: server.port, host: '127.0.0.1' }));
    shards = createHashPool({
      buckets: servers.map((server) => server.address),
      encoding: 'utf8',
      size: 4,
      acquireTimeoutMs: 5_000,
      connectionName: CONNECTION_NAME,
    });
  });

  afterAll(async () => {
    await shards?.close();
    for (const connection of direct ?? []) connection.disconnect();
    await killAll(servers ?? []);
  });

  it('each key lands on bucket keySlot(key) % 3, checked on every node directly', async () => {
    const keys = Array.from({ length: 60 }, (_, index) => `routing:${index}`);
    await Promise.all(keys.map((key) => shards.execute('SET', key, key)));
    for (const key of keys) {
      const expected = keySlot(key) % 3;
      for (const [index, connection] of direct.entries()) {
        expect(await connection.get(key), `${key} on bucket ${index}`).toBe(index === expected ? key : null);
      }
    }
  });

  it('finds data placed on the node the rule names by another client (fixed vectors)', async () => {
    // foo -> slot 12182 -> bucket 2; bar -> 5061 -> 0; hello -> 866 -> 2; {user1000}.x -> 3443 -> 2; 123456789 -> 12739 -> 1.
    const placements: ReadonlyArray<readonly [string, number]> = [
      ['foo', 2],
      ['bar', 0],
      ['hello', 2],
      ['{user1000}.x', 2],
      ['123456789', 1],
    ];
    for (const [key, bucket] of placements) await direct[bucket]?.set(key, `placed:${key}`);
    for (const [key] of placements) expect(await shards.execute('GET', key)).toBe(`placed:${key}`);
  });

  it('keys sharing a hash tag share a bucket, so a multi-key command on them works', async () => {
    await shards.execute('MSET', '{cart:7}.items', '3', '{cart:7}.total', '42');
    expect(await shards.execute('MGET', '{cart:7}.items', '{cart:7}.total')).toEqual(['3', '42']);
    expect(await direct[keySlot('cart:7') % 3]?.get('{cart:7}.total')).toBe('42');
  });

  it('a multi-key command across buckets fails with CROSS_SLOT and writes nothing', async () => {
    // foo is in bucket 2 and bar in bucket 0.
    await expect(shards.execute('MSET', 'cross:{foo}', '1', 'cross:{bar}', '2')).rejects.toMatchObject({ code: 'CROSS_SLOT' });
    for (const connection of direct) expect(await connection.exists('cross:{foo}', 'cross:{bar}')).toBe(0);
  });

  it('a keyless command without a target fails with NO_TARGET', async () => {
    await expect(shards.execute('PING')).rejects.toMatchObject({ code: 'NO_TARGET', command: 'PING' });
    await expect(shards.execute('EVAL', 'return 1', 0)).rejects.toMatchObject({ code: 'NO_TARGET' });
  });

  it('on({ shardKey }) sends a keyless command to the shard key\'s bucket', async () => {
    await shards.on({ shardKey: 'foo' }).execute('EVAL', "return redis.call('SET', ARGV[1], 'by-script')", 0, 'script:written');
    // foo is in bucket 2.
    expect(await direct[2]?.get('script:written')).toBe('by-script');
    expect(await direct[0]?.get('script:written')).toBeNull();
    expect(await direct[1]?.get('script:written')).toBeNull();
  });

  it('on({ node }) runs on that server, and on() of an unknown node fails with UNKNOWN_NODE', async () => {
    const [first] = servers;
    await direct[0]?.set('node:only', 'here');
    expect(await shards.on({ node: first?.address ?? '' }).execute('GET', 'node:only')).toBe('here');
    expect(() => shards.on({ node: '127.0.0.1:1' })).toThrow(expect.objectContaining({ code: 'UNKNOWN_NODE' }));
    expect(() => shards.on({} as never)).toThrow(expect.objectContaining({ code: 'INVALID_ARGUMENT' }));
  });

  it('on(target).use leases a connection of that bucket for a transaction', async () => {
    const replies = await shards.on({ shardKey: 'tx' }).use((connection) => connection.multi().incr('tx').incr('tx').exec());
    expect(replies).toEqual([
      [null, 1],
      [null, 2],
    ]);
    expect(await direct[keySlot('tx') % 3]?.get('tx')).toBe('2');
  });

  it('64 concurrent callers never open more than size connections on any node (CLIENT LIST)', async () => {
    let maxSeen = 0;
    let running = true;
    const sampler = (async () => {
      while (running) {
        const counts = await Promise.all(direct.map((connection) => countClients(connection, CONNECTION_NAME)));
        maxSeen = Math.max(maxSeen, ...counts);
      }
    })();
    const calls = Array.from({ length: 64 }, (_, caller) =>
      (async () => {
        for (let round = 0; round < 20; round++) await shards.execute('INCR', `load:${caller % 16}`);
      })(),
    );
    await Promise.all(calls);
    running = false;
    await sampler;
    expect(maxSeen).toBeGreaterThan(0);
    expect(maxSeen).toBeLessThanOrEqual(4);
    const totals = await Promise.all(Array.from({ length: 16 }, (_, index) => shards.execute('GET', `load:${index}`)));
    expect(totals.map(Number).reduce((sum, value) => sum + value, 0)).toBe(64 * 20);
  });

  it('reports stats per bucket, keyed by host:port', () => {
    expect(Object.keys(shards.stats())).toEqual(servers.map((server) => server.address));
  });

  it('nodePools() gives each bucket\'s core pool under its host:port, and instrumentPool records each under its own name', async () => {
    const nodePools = shards.nodePools();
    expect(nodePools.map(({ name, node, role }) => ({ name, node, role }))).toEqual(
      servers.map((server) => ({ name: server.address, node: server.address, role: 'master' })),
    );
    expect(shards.nodePools()).toBe(nodePools); // the same pools for the hash pool's life
    const telemetry = new TestMetrics();
    const recordings = nodePools.map(({ name, pool }) => instrumentPool(pool, { name, meterProvider: telemetry.provider }));
    try {
      // One key per bucket, each read once more on bucket 1.
      const keyOf = (bucket: number): string => Array.from({ length: 100 }, (_, index) => `otel:${index}`).find((key) => shards.bucketOf(key) === bucket) ?? '';
      for (const bucket of [0, 1, 2, 1]) await shards.execute('GET', keyOf(bucket));
      const collected = await telemetry.collect();
      expect(poolNames(collected, 'db.client.connection.max').sort()).toEqual(servers.map((server) => server.address).sort());
      expect(nodePools.map(({ name }) => histogramCount(collected, 'db.client.connection.wait_time', name))).toEqual([1, 2, 1]);
      for (const { name, pool } of nodePools) {
        expect(valueOf(collected, 'db.client.connection.max', name)).toBe(4);
        expect(valueOf(collected, 'db.client.connection.count', name, { 'db.client.connection.state': 'idle' })).toBe(pool.stats().idle);
      }
    } finally {
      for (const recording of recordings) recording.stop();
      await telemetry.shutdown();
    }
  });

  // Regression: nodePools() kept listing the closed bucket pools after close(), where the README promises the pools
  // "open now" and a sentinel pool's list is empty once closed.
  it('nodePools() lists no pool once close() is called, and the pools it listed are closed', async () => {
    const own = createHashPool({ buckets: servers.map((server) => server.address), size: 1 });
    const listed = own.nodePools();
    expect(listed).toHaveLength(3);
    await own.execute('GET', 'node-pools:close');
    const closing = own.close();
    expect(own.nodePools()).toEqual([]);
    await closing;
    expect(own.nodePools()).toEqual([]);
    await Promise.all(listed.map(({ pool }) => expect(pool.acquire()).rejects.toMatchObject({ code: 'POOL_CLOSED' })));
  });
});

describe('createHashPool options', () => {
  it.each([
    [{ buckets: [] }],
    [{ buckets: ['127.0.0.1:7000', '127.0.0.1:7000'] }],
    [{ buckets: ['127.0.0.1:notaport'] }],
    [{ buckets: 'a:1' }],
    [{ buckets: ['127.0.0.1:7000'], host: '127.0.0.1' }],
  ])('rejects %j with INVALID_OPTION', (options) => {
    expect(() => createHashPool(options as never)).toThrow(expect.objectContaining({ code: 'INVALID_OPTION' }));
  });
});
