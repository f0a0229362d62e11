import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRedisPool, type RedisPool } from '@pool/redis';
import { makeCertificates, RedisServer, type Certificates } from '../support/redis-server.js';

let plain: RedisServer;
let secure: RedisServer;
let certificates: Certificates;
let otherCertificates: Certificates;
const pools: RedisPool[] = [];
const open = (options: Parameters<typeof createRedisPool>[0]) => {
  const pool = createRedisPool(options);
  pools.push(pool);
  return pool;
};

beforeAll(async () => {
  certificates = makeCertificates();
  otherCertificates = makeCertificates();
  [plain, secure] = await Promise.all([RedisServer.start({ unixSocket: true }), RedisServer.start({ tls: certificates })]);
});

afterAll(async () => {
  await Promise.all(pools.map((pool) => pool.close()));
  await Promise.all([plain.stop(), secure.stop()]);
});

describe('unix socket', () => {
  it('connects through path', async () => {
    const redis = open({ path: plain.socketPath, encoding: 'utf8' });
    await redis.execute('SET', 'via', 'socket');
    expect(plain.cli('GET', 'via').trim()).toBe('socket');
    expect(await redis.execute('CLIENT', 'INFO')).toMatch(/addr=\S*redis\.sock/);
  });
});

describe('TLS', () => {
  it('connects with the right CA and verification on', async () => {
    const redis = open({ host: '127.0.0.1', port: secure.port, tls: { ca: readFileSync(certificates.caFile) }, encoding: 'utf8' });
    expect(await redis.execute('PING')).toBe('PONG');
  });

  it('connects through a rediss:// URL with the CA given in tls', async () => {
    const redis = open({ url: `rediss://127.0.0.1:${secure.port}/1`, tls: { ca: readFileSync(certificates.caFile) }, encoding: 'utf8' });
    await redis.execute('SET', 'tls-db', 'one');
    expect(secure.cli('-n', '1', 'GET', 'tls-db').trim()).toBe('one');
  });

  it('verifies certificates by default: a server signed by another CA fails with REDIS_CONNECTION', async () => {
    const redis = open({ host: '127.0.0.1', port: secure.port, tls: { ca: readFileSync(otherCertificates.caFile) } });
    await expect(redis.execute('PING')).rejects.toMatchObject({ code: 'REDIS_CONNECTION' });
  });

  it('verifies certificates with tls: true against the system CAs, which do not know the test CA', async () => {
    const redis = open({ host: '127.0.0.1', port: secure.port, tls: true });
    await expect(redis.execute('PING')).rejects.toMatchObject({ code: 'REDIS_CONNECTION' });
  });
});

describe('URL forms', () => {
  it.each([
    ['host and port', (port: number) => `redis://127.0.0.1:${port}`, 0],
    ['a database path', (port: number) => `redis://127.0.0.1:${port}/4`, 4],
    ['a database query option', (port: number) => `redis://127.0.0.1:${port}?database=5`, 5],
    ['timeout query options', (port: number) => `redis://127.0.0.1:${port}/6?connTimeoutMs=1000&readTimeoutMs=1000`, 6],
  ])('connects with %s', async (_, url, database) => {
    const redis = open({ url: url(plain.port), encoding: 'utf8' });
    const key = `url-form-${database}-${Math.random()}`;
    await redis.execute('SET', key, 'here');
    expect(plain.cli('-n', String(database), 'GET', key).trim()).toBe('here');
  });

  it('takes the pool size from ?size=', async () => {
    const redis = open({ url: `redis://127.0.0.1:${plain.port}?size=3` });
    expect(redis.size).toBe(3);
  });
});
