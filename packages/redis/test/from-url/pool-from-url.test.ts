import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ClusterPool } from '../../src/cluster/cluster-pool.js';
import { createPoolFromUrl, parsePoolUrl } from '../../src/from-url/pool-from-url.js';
import { RedisPool } from '../../src/single/redis-pool.js';
import { SentinelHashPool } from '../../src/sentinel/sentinel-hash-pool.js';
import { SentinelPool } from '../../src/sentinel/sentinel-pool.js';
import { startCluster, type TestCluster } from '../support/cluster.js';
import { startSentinels, type TestSentinels } from '../support/sentinel.js';
import { startServer, type ServerProcess } from '../support/servers.js';

describe('parsePoolUrl', () => {
  it('reads cluster:// with a host list, credentials and options', () => {
    expect(parsePoolUrl('cluster://app:s3cr%40t@10.0.0.1:7000,10.0.0.2,[::1]:7002?pool_size=8&readFromReplicas=true&connTimeoutMs=500&readTimeoutMs=900')).toEqual({
      kind: 'cluster',
      options: {
        seeds: ['10.0.0.1:7000', '10.0.0.2:6379', '[::1]:7002'],
        username: 'app',
        password: 's3cr@t',
        size: 8,
        readFromReplicas: true,
        connTimeoutMs: 500,
        readTimeoutMs: 900,
      },
    });
  });

  it('reads sentinel:// with a name, a database, retries and sentinel credentials', () => {
    expect(parsePoolUrl('sentinel://:data@s1,s2:26380/2?name=mymaster&retries=5&sentinelPassword=sp&size=4&readFromReplicas=0')).toEqual({
      kind: 'sentinel',
      options: {
        sentinels: ['s1:26379', 's2:26380'],
        password: 'data',
        database: 2,
        name: 'mymaster',
        retries: 5,
        sentinelPassword: 'sp',
        size: 4,
        readFromReplicas: false,
      },
    });
  });

  it('reads sentinel:// with buckets as a sentinel hash pool', () => {
    expect(parsePoolUrl('sentinel://s1:26379?buckets=a,b,c&db=1')).toEqual({
      kind: 'sentinel-hash',
      options: { sentinels: ['s1:26379'], buckets: ['a', 'b', 'c'], database: 1 },
    });
  });

  it('reads redis:// and rediss:// as one server', () => {
    expect(parsePoolUrl('redis://127.0.0.1:6380/1?size=3')).toEqual({ kind: 'single', options: { url: 'redis://127.0.0.1:6380/1?size=3' } });
    expect(parsePoolUrl('rediss://cache.internal').kind).toBe('single');
  });

  it.each([
    ['http://h:1', 'scheme'],
    ['cluster://', 'no host'],
    ['cluster://h1:1,,h2:2', 'empty host'],
    ['cluster://h1:0', 'port 0'],
    ['cluster://h1:99999', 'port too big'],
    ['cluster://h1:abc', 'port not a number'],
    ['cluster://h1/3', 'cluster database other than 0'],
    ['cluster://h1?retries=2', 'retries on a cluster'],
    ['cluster://h1?size=ten', 'size not a number'],
    ['cluster://h1?readFromReplicas=yes', 'readFromReplicas not a boolean'],
    ['cluster://h1?size=1&pool_size=2', 'size twice'],
    ['cluster://h1?colour=blue', 'unknown option'],
    ['sentinel://s1', 'no name'],
    ['sentinel://s1?name=a&buckets=b', 'name and buckets'],
    ['sentinel://s1?buckets=a,,b', 'empty bucket name'],
    ['sentinel://s1/x?name=a', 'database not a number'],
    ['sentinel://user@s1?name=a', 'user without password'],
    ['redis://h1:1,h2:2', 'a list on redis://'],
    ['redis://h1?colour=blue', 'unknown option on redis://'],
    ['cluster://h1#frag', 'fragment'],
  ])('rejects %s (%s) with INVALID_URL', (url) => {
    expect(() => parsePoolUrl(url)).toThrow(expect.objectContaining({ code: 'INVALID_URL' }));
  });

  it.each([
    'cluster://user:hunter2secret@h1:notaport',
    'cluster://user:hunter2secret@h1?colour=blue',
    'sentinel://:hunter2secret@s1?sentinelPassword=hunter2secret&size=x',
    'sentinel://:hunter2secret@s1',
    'cluster://:hunter2secret,h2:1',
    'cluster://u:hunter2?secret@h1',
    'redis://:hunter2secret@h1:1,h2:2',
    'redis://:hunter2secret@h1:99999',
  ])('never shows the password of %s in the error', (url) => {
    const error: unknown = (() => {
      try {
        parsePoolUrl(url);
      } catch (caught) {
        return caught;
      }
      return undefined;
    })();
    expect(error).toMatchObject({ code: 'INVALID_URL' });
    expect(String((error as Error).message)).not.toMatch(/hunter2|secret/);
  });
});

describe('createPoolFromUrl against real servers', () => {
  let server: ServerProcess;
  let cluster: TestCluster;
  let deployment: TestSentinels;

  beforeAll(async () => {
    [server, cluster, deployment] = await Promise.all([
      startServer(),
      startCluster({ masters: 3, replicasPerMaster: 0 }),
      startSentinels({ masters: [{ name: 'one', replicas: 0 }, { name: 'two', replicas: 0 }], sentinels: 1, quorum: 1 }),
    ]);
  });

  afterAll(async () => {
    await Promise.all([server?.kill(), cluster?.stop(), deployment?.stop()]);
  });

  it('picks a RedisPool for redis://, a ClusterPool for cluster://, a SentinelPool or SentinelHashPool for sentinel://', async () => {
    const urls = [
      `redis://${server.address}/0?size=2`,
      `cluster://${cluster.seeds.join(',')}?size=2`,
      `sentinel://${deployment.sentinelAddresses.join(',')}?name=one&size=2`,
      `sentinel://${deployment.sentinelAddresses.join(',')}?buckets=one,two&size=2`,
    ];
    const kinds = [RedisPool, ClusterPool, SentinelPool, SentinelHashPool];
    for (const [index, url] of urls.entries()) {
      const pool = createPoolFromUrl(url, { encoding: 'utf8' });
      try {
        expect(pool).toBeInstanceOf(kinds[index]);
        await pool.execute('SET', `url:${index}`, 'works');
        expect(await pool.execute('GET', `url:${index}`)).toBe('works');
      } finally {
        await pool.close();
      }
    }
  });
});
