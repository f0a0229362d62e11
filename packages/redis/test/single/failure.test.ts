import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { createRedisPool, RedisPoolError, RedisTimeoutError, type RedisPool } from '@pool/redis';
import { PoolError } from '@pool/core';
import { freePort, RedisServer, startSilentServer } from '../support/redis-server.js';

const pools: RedisPool[] = [];
const servers: RedisServer[] = [];
const open = (options: Parameters<typeof createRedisPool>[0]) => {
  const pool = createRedisPool(options);
  pools.push(pool);
  return pool;
};
const start = async () => {
  const server = await RedisServer.start();
  servers.push(server);
  return server;
};

/** Resolves with the promise's outcome, or with 'still pending' after a generous bound: a hang detector, not a clock. */
function settledWithin<T>(promise: Promise<T>, boundMs: number): Promise<'settled' | 'still pending'> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const pending = new Promise<'still pending'>((resolve) => {
    timer = setTimeout(() => resolve('still pending'), boundMs);
  });
  return Promise.race([promise.then(() => 'settled' as const, () => 'settled' as const), pending]).finally(() => clearTimeout(timer));
}

function namedConnections(server: RedisServer, name: string): string[] {
  return server.cli('CLIENT', 'LIST').split('\n').filter((line) => line.includes(` name=${name} `));
}

afterEach(async () => {
  await Promise.all(pools.splice(0).map((pool) => pool.close({ timeoutMs: 1000 })));
});

afterAll(async () => {
  await Promise.all(servers.map((server) => server.stop()));
});

describe('server killed mid-load', () => {
  it('fails every caller with a typed error, none hangs, and the same pool serves again after a restart', async () => {
    const server = await start();
    const redis = open({ host: '127.0.0.1', port: server.port, size: 4, readTimeoutMs: 500, acquireTimeoutMs: 1000, encoding: 'utf8' });
    let completed = 0;
    const callers = Array.from({ length: 32 }, async (_, caller) => {
      for (let round = 0; ; round++) {
        try {
          await redis.execute('SET', `load-${caller}`, round);
          completed++;
        } catch (error) {
          return error;
        }
      }
    });
    await expect.poll(() => completed, { timeout: 5000 }).toBeGreaterThan(100);
    await server.kill();
    const outcome = Promise.all(callers);
    expect(await settledWithin(outcome, 10_000)).toBe('settled');
    for (const error of await outcome) {
      expect(error instanceof RedisPoolError || error instanceof PoolError).toBe(true);
      expect(['REDIS_CONNECTION', 'REDIS_TIMEOUT', 'ACQUIRE_TIMEOUT']).toContain((error as RedisPoolError).code);
    }
    // While creates keep failing the core backs off, so a waiting caller may time out in the queue instead; its
    // cause is then the last connect error.
    const whileDown: unknown = await redis.execute('PING').catch((error: unknown) => error);
    const connectError = whileDown instanceof PoolError && whileDown.code === 'ACQUIRE_TIMEOUT' ? whileDown.cause : whileDown;
    expect(connectError).toMatchObject({ code: 'REDIS_CONNECTION' });
    await server.restart();
    await expect.poll(() => redis.execute('PING').catch((error: unknown) => error), { timeout: 10_000 }).toBe('PONG');
    expect(await redis.execute('SET', 'after-restart', 'yes')).toBe('OK');
  });

  it('with closeOnError drops every old connection once one comes back broken', async () => {
    const server = await start();
    const redis = open({ host: '127.0.0.1', port: server.port, size: 3, closeOnError: true, connectionName: 'coe', encoding: 'utf8' });
    const leases = await Promise.all([redis.lease(), redis.lease(), redis.lease()]);
    expect(namedConnections(server, 'coe')).toHaveLength(3);
    const [first, ...others] = leases;
    if (first === undefined) throw new Error('no lease');
    server.cli('CLIENT', 'KILL', 'ID', String(await first.resource.client('ID')));
    await expect(redis.executeOn(first.resource, undefined, 'PING')).rejects.toMatchObject({ code: 'REDIS_CONNECTION' });
    await first.release();
    await Promise.all(others.map((lease) => lease.release()));
    await expect.poll(() => namedConnections(server, 'coe').length, { timeout: 5000 }).toBe(0);
    expect(redis.stats()).toMatchObject({ created: 3, destroyed: 3 });
    expect(await redis.execute('PING')).toBe('PONG');
  });

  it('without closeOnError drops only the broken connection', async () => {
    const server = await start();
    const redis = open({ host: '127.0.0.1', port: server.port, size: 3, connectionName: 'keep', encoding: 'utf8' });
    const leases = await Promise.all([redis.lease(), redis.lease(), redis.lease()]);
    const [first, ...others] = leases;
    if (first === undefined) throw new Error('no lease');
    server.cli('CLIENT', 'KILL', 'ID', String(await first.resource.client('ID')));
    await expect(redis.executeOn(first.resource, undefined, 'PING')).rejects.toMatchObject({ code: 'REDIS_CONNECTION' });
    await Promise.all(leases.map((lease) => lease.release()));
    expect(redis.stats()).toMatchObject({ created: 3, destroyed: 1, idle: 2 });
    expect(namedConnections(server, 'keep')).toHaveLength(2);
    expect(others).toHaveLength(2);
  });
});

describe('server paused', () => {
  it('times out with RedisTimeoutError, replaces the stuck connections, and serves again after SIGCONT', async () => {
    const server = await start();
    const redis = open({ host: '127.0.0.1', port: server.port, size: 2, readTimeoutMs: 200, encoding: 'utf8' });
    await Promise.all([redis.execute('PING'), redis.execute('PING')]);
    expect(redis.stats()).toMatchObject({ created: 2, idle: 2 });
    server.pause();
    try {
      // Both expectations are attached at once: a rejection must never wait unhandled behind another await.
      const calls = [redis.execute('GET', 'a'), redis.execute('GET', 'b')];
      await Promise.all(calls.map((call) => expect(call).rejects.toBeInstanceOf(RedisTimeoutError)));
      expect(redis.stats()).toMatchObject({ destroyed: 2, idle: 0 });
    } finally {
      server.resume();
    }
    expect(await redis.execute('PING')).toBe('PONG');
    expect(redis.stats().created).toBe(3);
  });
});

describe('connTimeoutMs', () => {
  it('fails with REDIS_TIMEOUT against a port that accepts but never answers', async () => {
    const silent = await startSilentServer();
    try {
      const redis = open({ host: '127.0.0.1', port: silent.port, connTimeoutMs: 100 });
      const call = redis.execute('PING');
      expect(await settledWithin(call, 10_000)).toBe('settled');
      await expect(call).rejects.toMatchObject({ code: 'REDIS_TIMEOUT', timeoutMs: 100 });
    } finally {
      await silent.close();
    }
  });

  it('closes the socket of a connect the pool aborts (createTimeoutMs shorter than connTimeoutMs)', async () => {
    const silent = await startSilentServer();
    try {
      const redis = open({ host: '127.0.0.1', port: silent.port, connTimeoutMs: 60_000, createTimeoutMs: 1000 });
      const call = expect(redis.execute('PING')).rejects.toMatchObject({ code: 'CREATE_TIMEOUT' });
      await expect.poll(() => silent.openSockets(), { timeout: 5000 }).toBe(1);
      await call;
      await expect.poll(() => silent.openSockets(), { timeout: 5000 }).toBe(0);
      expect(redis.stats().created).toBe(0);
    } finally {
      await silent.close();
    }
  });

  it('fails with REDIS_CONNECTION (ECONNREFUSED) against a closed port', async () => {
    const redis = open({ host: '127.0.0.1', port: await freePort(), connTimeoutMs: 100 });
    const error = await redis.execute('PING').catch((caught: unknown) => caught);
    expect(error).toMatchObject({ code: 'REDIS_CONNECTION', cause: { code: 'ECONNREFUSED' } });
  });
});
