import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRedisPool } from '@pool/redis';
import { RedisServer } from '../support/redis-server.js';

let server: RedisServer;
let monitor: Redis;

beforeAll(async () => {
  server = await RedisServer.start();
  monitor = new Redis({ host: '127.0.0.1', port: server.port, lazyConnect: true });
  await monitor.connect();
});

afterAll(async () => {
  monitor.disconnect();
  // Unset when the server never started (a missing redis-server fails the file with that message alone).
  await server?.stop();
});

async function countNamed(name: string): Promise<number> {
  const list = String(await monitor.client('LIST'));
  return list.split('\n').filter((line) => line.includes(` name=${name} `)).length;
}

describe.each([
  ['exclusive', false],
  ['multiplexed', true],
])('256 concurrent callers on a pool of 16 (%s)', (mode, multiplex) => {
  it('answers every call and never has more than 16 connections on the server', async () => {
    const name = `load-${mode}`;
    const redis = createRedisPool({
      host: '127.0.0.1',
      port: server.port,
      size: 16,
      acquireTimeoutMs: Infinity,
      connectionName: name,
      encoding: 'utf8',
      multiplex,
    });
    let sampling = true;
    let mostSeen = 0;
    const sampler = (async () => {
      while (sampling) {
        mostSeen = Math.max(mostSeen, await countNamed(name));
        expect(redis.stats().idle + redis.stats().inUse + redis.stats().creating).toBeLessThanOrEqual(16);
      }
    })();
    const callers = Array.from({ length: 256 }, async (_, caller) => {
      const replies: unknown[] = [];
      for (let round = 0; round < 20; round++) {
        await redis.execute('SET', `${name}-${caller}`, round);
        replies.push(await redis.execute('GET', `${name}-${caller}`));
      }
      return replies;
    });
    const answers = await Promise.all(callers);
    sampling = false;
    await sampler;
    for (const replies of answers) expect(replies).toEqual(Array.from({ length: 20 }, (_, round) => String(round)));
    expect(mostSeen).toBeGreaterThan(0);
    expect(mostSeen).toBeLessThanOrEqual(16);
    expect(redis.stats().created).toBeLessThanOrEqual(16);
    await redis.close();
    expect(redis.stats()).toMatchObject({ destroyed: redis.stats().created });
  });
});
