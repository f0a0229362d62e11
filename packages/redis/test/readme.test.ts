import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startCluster, type TestCluster } from './support/cluster.js';
import { RedisServer } from './support/redis-server.js';
import { startSentinels, type TestSentinels } from './support/sentinel.js';
import { killAll, startServers, type ServerProcess } from './support/servers.js';

const packageDir = fileURLToPath(new URL('..', import.meta.url));
const readme = readFileSync(join(packageDir, 'README.md'), 'utf8');

/** The ```ts blocks of the README, each with the heading it sits under. */
function extractBlocks(markdown: string): { heading: string; code: string }[] {
  const blocks: { heading: string; code: string }[] = [];
  let heading = '(top)';
  const lines = markdown.split('\n');
  for (let index = 0; index < lines.length; index++) {
    const line = lines[index] as string;
    if (line.startsWith('#')) heading = line.replace(/^#+\s*/, '');
    if (line.trim() !== '```ts') continue;
    const end = lines.indexOf('```', index + 1);
    blocks.push({ heading, code: lines.slice(index + 1, end).join('\n') });
    index = end;
  }
  return blocks;
}

const blocks = extractBlocks(readme);
const SENTINEL_PASSWORD = 'readme-sentinel-secret';

/**
 * What the examples read, besides REDIS_URL: the hash pool's buckets, the cluster's seeds, and a sentinel deployment
 * watching `mymaster` (with a replica, for readFromReplicas) and `shard-a` / `shard-b` (the sentinel hash pool).
 */
const ENV_KEYS = [
  'REDIS_URL',
  'REDIS_BUCKETS',
  'REDIS_CLUSTER_SEEDS',
  'REDIS_SENTINELS',
  'REDIS_SENTINEL_NAME',
  'REDIS_SENTINEL_BUCKETS',
  'REDIS_SENTINEL_PASSWORD',
] as const;

let server: RedisServer;
let buckets: ServerProcess[];
let cluster: TestCluster;
let deployment: TestSentinels;
let dir: string;

beforeAll(async () => {
  // Started together, once: the cluster (about 2 s, redis-cli --cluster create) dominates.
  [server, buckets, cluster, deployment] = await Promise.all([
    RedisServer.start(),
    startServers(2),
    startCluster({ masters: 3, replicasPerMaster: 0 }),
    startSentinels({
      masters: [
        { name: 'mymaster', replicas: 1 },
        { name: 'shard-a', replicas: 0 },
        { name: 'shard-b', replicas: 0 },
      ],
      sentinels: 1,
      quorum: 1,
      sentinelPassword: SENTINEL_PASSWORD,
    }),
  ]);
  process.env['REDIS_URL'] = server.url;
  process.env['REDIS_BUCKETS'] = buckets.map((bucket) => bucket.address).join(',');
  process.env['REDIS_CLUSTER_SEEDS'] = cluster.seeds.join(',');
  process.env['REDIS_SENTINELS'] = deployment.sentinelAddresses.join(',');
  process.env['REDIS_SENTINEL_NAME'] = 'mymaster';
  process.env['REDIS_SENTINEL_BUCKETS'] = 'shard-a,shard-b';
  process.env['REDIS_SENTINEL_PASSWORD'] = SENTINEL_PASSWORD;
  // Inside the package so that vitest resolves `@pool/redis` and transforms TypeScript as for any test file.
  dir = mkdtempSync(join(packageDir, 'test', '.readme-'));
});

afterAll(async () => {
  for (const key of ENV_KEYS) delete process.env[key];
  if (dir !== undefined) rmSync(dir, { recursive: true, force: true });
  // Each one was started by this file and is killed by its pid.
  await Promise.all([server?.stop(), killAll(buckets ?? []), cluster?.stop(), deployment?.stop()]);
});

describe('README examples', () => {
  it('has runnable examples', () => {
    expect(blocks.length).toBeGreaterThanOrEqual(6);
  });

  it('runs examples against every topology it starts', () => {
    const code = blocks.map((block) => block.code).join('\n');
    for (const key of ENV_KEYS) expect(code, key).toContain(`process.env.${key}`);
  });

  it.each(blocks.map((block, index) => [`${index + 1}: ${block.heading}`, block.code] as const))('example %s runs', async (_, code) => {
    const file = join(dir, `example-${Math.random().toString(36).slice(2)}.ts`);
    writeFileSync(file, `${code}\nexport {};\n`);
    await import(/* @vite-ignore */ file);
  });
});
