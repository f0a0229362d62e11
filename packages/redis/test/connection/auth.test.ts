import { inspect } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createClusterPool, createRedisPool, RedisReplyError, type ClusterPool, type RedisPool } from '@pool/redis';
import { freePort } from '../support/servers.js';
import { RedisServer } from '../support/redis-server.js';

const DEFAULT_PASSWORD = 'def-S3cret-pass';
const APP_PASSWORD = 'app-S3cret-pass';
const READER_PASSWORD = 'reader-S3cret-pass';
const SECRETS = [DEFAULT_PASSWORD, APP_PASSWORD, READER_PASSWORD, 'wrong-S3cret-pass'];

let server: RedisServer;
const pools: RedisPool[] = [];
const open = (options: Parameters<typeof createRedisPool>[0]) => {
  const pool = createRedisPool(options);
  pools.push(pool);
  return pool;
};

/** Everything a caller or a log could see of an error: message, stack, inspect (with cause chain), JSON. */
function everythingShown(error: unknown): string {
  return [String(error), (error as Error).stack, inspect(error, { depth: 10, showHidden: true }), JSON.stringify(error)].join('\n');
}

function expectNoSecret(text: string): void {
  for (const secret of SECRETS) expect(text).not.toContain(secret);
}

beforeAll(async () => {
  server = await RedisServer.start({
    requirepass: DEFAULT_PASSWORD,
    aclUsers: [`user app on >${APP_PASSWORD} ~* +@all`, `user reader on >${READER_PASSWORD} ~* +get +ping`],
  });
});

afterAll(async () => {
  await Promise.all(pools.map((pool) => pool.close()));
  // Unset when the server never started (a missing redis-server fails the file with that message alone).
  await server?.stop();
});

describe('AUTH and ACL users', () => {
  it('authenticates the default user with password', async () => {
    const redis = open({ host: '127.0.0.1', port: server.port, password: DEFAULT_PASSWORD, encoding: 'utf8' });
    expect(await redis.execute('ACL', 'WHOAMI')).toBe('default');
  });

  it('authenticates an ACL user with username and password', async () => {
    const redis = open({ host: '127.0.0.1', port: server.port, username: 'app', password: APP_PASSWORD, encoding: 'utf8' });
    expect(await redis.execute('ACL', 'WHOAMI')).toBe('app');
  });

  it('authenticates from the credentials of a URL', async () => {
    const redis = open({ url: `redis://app:${APP_PASSWORD}@127.0.0.1:${server.port}/2`, encoding: 'utf8' });
    expect(await redis.execute('ACL', 'WHOAMI')).toBe('app');
    await redis.execute('SET', 'from-url', 'yes');
    expect(server.cli('-n', '2', 'GET', 'from-url').trim()).toBe('yes');
  });

  it('rejects a wrong password with a WRONGPASS reply error that shows no password', async () => {
    const redis = open({ host: '127.0.0.1', port: server.port, username: 'app', password: 'wrong-S3cret-pass' });
    const error = await redis.execute('PING').catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(RedisReplyError);
    expect(error).toMatchObject({ code: 'REDIS_REPLY', replyCode: 'WRONGPASS' });
    expectNoSecret(everythingShown(error));
  });

  it('rejects a command the user has no permission for with NOPERM and keeps the connection', async () => {
    const redis = open({ host: '127.0.0.1', port: server.port, username: 'reader', password: READER_PASSWORD, size: 1 });
    await expect(redis.execute('SET', 'k', 'v')).rejects.toMatchObject({ code: 'REDIS_REPLY', replyCode: 'NOPERM' });
    expect(String(await redis.execute('PING'))).toBe('PONG');
    expect(redis.stats()).toMatchObject({ created: 1, destroyed: 0 });
  });

  it('never shows URL credentials in an error, its inspect output, its cause chain or pool events', async () => {
    const url = `redis://app:wrong-S3cret-pass@127.0.0.1:${server.port}`;
    const redis = open({ url, createRetryDelayMs: 0, minIdle: 1 });
    const emitted: unknown[] = [];
    redis.pool.on('error', (error) => emitted.push(error));
    const error = await redis.execute('PING').catch((caught: unknown) => caught);
    expect(error).toMatchObject({ code: 'REDIS_REPLY' });
    await expect.poll(() => emitted.length, { timeout: 5000 }).toBeGreaterThan(0);
    for (const shown of [error, ...emitted]) expectNoSecret(everythingShown(shown));
  });

  it('fails a subscriber with a wrong password typed and without the password', async () => {
    const redis = open({ host: '127.0.0.1', port: server.port, username: 'app', password: 'wrong-S3cret-pass' });
    const error = await redis.subscriber().catch((caught: unknown) => caught);
    expect(error).toMatchObject({ code: 'REDIS_REPLY', replyCode: 'WRONGPASS' });
    expectNoSecret(everythingShown(error));
  });

  it('never shows the password when the server is unreachable', async () => {
    const redis = open({ url: `redis://app:${APP_PASSWORD}@127.0.0.1:1`, connTimeoutMs: 1000 });
    const error = await redis.execute('PING').catch((caught: unknown) => caught);
    expect(error).toMatchObject({ code: 'REDIS_CONNECTION' });
    expectNoSecret(everythingShown(error));
  });

  it('never shows the password in an invalid URL error', () => {
    let caught: unknown;
    try {
      createRedisPool({ url: `redis://app:${APP_PASSWORD}@127.0.0.1:99999` });
    } catch (error) {
      caught = error;
    }
    expect(caught).toMatchObject({ code: 'INVALID_URL' });
    expectNoSecret(everythingShown(caught));
  });
});

// Regression: ioredis rejects a failed cluster connect with "None of startup nodes is available" alone, so a wrong
// password, a seed without cluster support and a refused connection all read "the server could not be reached".
describe('ClusterPool connect failures say why, without the password', () => {
  const clusters: ClusterPool[] = [];
  const openCluster = (options: Parameters<typeof createClusterPool>[0]): ClusterPool => {
    const cluster = createClusterPool({ connTimeoutMs: 2_000, readTimeoutMs: 2_000, ...options });
    clusters.push(cluster);
    return cluster;
  };
  afterAll(async () => {
    await Promise.all(clusters.map((cluster) => cluster.close()));
  });

  it('a wrong password fails with the WRONGPASS reply, as a single-server pool does', async () => {
    const cluster = openCluster({ seeds: [`127.0.0.1:${server.port}`], username: 'app', password: 'wrong-S3cret-pass' });
    const error = await cluster.execute('GET', 'k').catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(RedisReplyError);
    expect(error).toMatchObject({ code: 'REDIS_REPLY', replyCode: 'WRONGPASS' });
    expectNoSecret(everythingShown(error));
  });

  it('a seed that is not a cluster node fails with the server\'s own reply', async () => {
    const cluster = openCluster({ seeds: [`127.0.0.1:${server.port}`], password: DEFAULT_PASSWORD });
    const error = await cluster.execute('GET', 'k').catch((caught: unknown) => caught);
    expect(error).toMatchObject({ code: 'REDIS_REPLY', message: expect.stringContaining('cluster support disabled') });
    expectNoSecret(everythingShown(error));
  });

  it('a seed nobody listens on still fails with REDIS_CONNECTION, sent: false', async () => {
    const cluster = openCluster({ seeds: [`127.0.0.1:${await freePort()}`], password: DEFAULT_PASSWORD });
    const error = await cluster.execute('GET', 'k').catch((caught: unknown) => caught);
    expect(error).toMatchObject({ code: 'REDIS_CONNECTION', sent: false });
    expectNoSecret(everythingShown(error));
  });
});
