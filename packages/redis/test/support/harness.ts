import { setTimeout as sleep } from 'node:timers/promises';
import { Redis } from 'ioredis';
import { afterAll, afterEach, beforeAll, expect } from 'vitest';
import { createRedisPool, type RedisPool, type RedisPoolOptions } from '@pool/redis';
import { RedisServer } from './redis-server.js';

/** What {@link useRedisServer} gives a test file: its own server, pools on it, and plain clients of the test's own. */
export interface Harness {
  readonly server: RedisServer;
  /** A pool on the server (utf8 replies unless overridden); closed after each test. */
  open(options?: Omit<RedisPoolOptions, 'host' | 'port'>): RedisPool;
  /** A plain ioredis client outside any pool (the one that kills, publishes, inspects); disconnected after each test. */
  client(): Redis;
}

/**
 * Starts a `redis-server` of this file's own before its tests and stops it (by pid) after them; pools and clients
 * opened through the harness are closed after each test, and a paused server is resumed.
 */
export function useRedisServer(): Harness {
  let server: RedisServer | undefined;
  const pools: RedisPool[] = [];
  const clients: Redis[] = [];
  beforeAll(async () => {
    server = await RedisServer.start();
  });
  afterEach(async () => {
    server?.resume();
    await Promise.all(pools.splice(0).map((pool) => pool.close({ timeoutMs: 1000 })));
    for (const connection of clients.splice(0)) connection.disconnect();
  });
  afterAll(async () => {
    await server?.stop();
  });
  const started = (): RedisServer => {
    if (server === undefined) throw new Error('the server starts in beforeAll');
    return server;
  };
  return {
    get server() {
      return started();
    },
    open(options = {}) {
      const pool = createRedisPool({ host: '127.0.0.1', port: started().port, encoding: 'utf8', ...options });
      pools.push(pool);
      return pool;
    },
    client() {
      const connection = new Redis({ host: '127.0.0.1', port: started().port, maxRetriesPerRequest: 1 });
      clients.push(connection);
      return connection;
    },
  };
}

/** Opens `count` connections and waits until all are idle. */
export async function warm(redis: RedisPool, count: number): Promise<void> {
  const leases = await Promise.all(Array.from({ length: count }, () => redis.lease()));
  await Promise.all(leases.map((lease) => lease.release()));
  await expect.poll(() => redis.stats().idle, { timeout: 5000 }).toBe(count);
}

/** Runs `body` and returns the process warnings emitted meanwhile. */
export async function collectWarnings(body: () => Promise<void>): Promise<string[]> {
  const warnings: string[] = [];
  const onWarning = (warning: Error): void => {
    warnings.push(`${warning.name}: ${warning.message}`);
  };
  process.on('warning', onWarning);
  try {
    await body();
    // Warnings are emitted on a later tick.
    await sleep(10);
  } finally {
    process.off('warning', onWarning);
  }
  return warnings;
}

/** `callers` loops of INCR on `key` until `stop()`, which resolves with every failure seen (bounded in rounds and time). */
export function constantLoad(redis: RedisPool, callers: number, key: string): { stop: () => Promise<unknown[]> } {
  let stopped = false;
  const failures: unknown[] = [];
  const deadline = Date.now() + 20_000;
  const loops = Array.from({ length: callers }, async () => {
    for (let round = 0; !stopped && round < 100_000 && Date.now() < deadline; round++) {
      try {
        await redis.execute('INCR', key);
      } catch (error) {
        failures.push(error);
        return;
      }
    }
  });
  return {
    stop: async () => {
      stopped = true;
      await Promise.all(loops);
      return failures;
    },
  };
}
