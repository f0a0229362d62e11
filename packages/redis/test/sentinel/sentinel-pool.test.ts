import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSentinelPool, type SentinelPool } from '../../src/sentinel/sentinel-pool.js';
import { startSentinels, type TestSentinels } from '../support/sentinel.js';
import { countClients, pollUntil } from '../support/servers.js';

const DATA_PASSWORD = 'data-secret-1';
const SENTINEL_PASSWORD = 'sentinel-secret-2';
const CONNECTION_NAME = 'sentinel-pool-test';

describe('SentinelPool on one master, one replica and three sentinels', () => {
  let deployment: TestSentinels;
  let pool: SentinelPool;

  beforeAll(async () => {
    deployment = await startSentinels({ dataPassword: DATA_PASSWORD, sentinelPassword: SENTINEL_PASSWORD });
    pool = createSentinelPool({
      sentinels: deployment.sentinelAddresses,
      name: 'mymaster',
      password: DATA_PASSWORD,
      sentinelPassword: SENTINEL_PASSWORD,
      encoding: 'utf8',
      size: 4,
      acquireTimeoutMs: 5_000,
      connectionName: CONNECTION_NAME,
    });
  });

  afterAll(async () => {
    await pool?.close();
    await deployment?.stop();
  });

  it('finds the master by name through the sentinels, with credentials separate from the data nodes\'', async () => {
    await pool.execute('SET', 'sentinel:key', 'on-master');
    const master = await deployment.masterOf('mymaster');
    expect(pool.master).toBe(master);
    expect(await deployment.node(master).get('sentinel:key')).toBe('on-master');
  });

  it('turns closeOnError on by default, and off when asked', async () => {
    expect(pool.closeOnError).toBe(true);
    const relaxed = createSentinelPool({ sentinels: deployment.sentinelAddresses, name: 'mymaster', closeOnError: false });
    try {
      expect(relaxed.closeOnError).toBe(false);
    } finally {
      await relaxed.close();
    }
  });

  it('fails with NO_MASTER, showing neither password, when the sentinel password is wrong or the name unknown', async () => {
    for (const options of [
      { name: 'mymaster', sentinelPassword: 'wrong-sentinel-pass' },
      { name: 'no-such-master', sentinelPassword: SENTINEL_PASSWORD },
    ]) {
      const wrong = createSentinelPool({ sentinels: deployment.sentinelAddresses, password: DATA_PASSWORD, retries: 0, ...options });
      try {
        const error: unknown = await wrong.execute('GET', 'x').catch((caught: unknown) => caught);
        expect(error).toMatchObject({ code: 'NO_MASTER' });
        const text = `${String(error)} ${String((error as Error).cause)}`;
        expect(text).not.toContain(DATA_PASSWORD);
        expect(text).not.toContain('wrong-sentinel-pass');
        expect(text).not.toContain(SENTINEL_PASSWORD);
      } finally {
        await wrong.close();
      }
    }
  });

  it('readFromReplicas sends read-only commands to the replica and writes to the master', async () => {
    const reader = createSentinelPool({
      sentinels: deployment.sentinelAddresses,
      name: 'mymaster',
      password: DATA_PASSWORD,
      sentinelPassword: SENTINEL_PASSWORD,
      encoding: 'utf8',
      readFromReplicas: true,
    });
    try {
      const master = await deployment.masterOf('mymaster');
      const replica = deployment.groups[0]?.nodes.map((node) => node.address).find((address) => address !== master) ?? '';
      await reader.execute('SET', 'replica:key', 'replicated');
      await pollUntil(async () => (await deployment.node(replica).get('replica:key')) === 'replicated', 5_000, 'replication');
      const before = await Promise.all([replica, master].map((address) => getCalls(deployment.node(address))));
      for (let index = 0; index < 10; index++) expect(await reader.execute('GET', 'replica:key')).toBe('replicated');
      const after = await Promise.all([replica, master].map((address) => getCalls(deployment.node(address))));
      expect((after[0] ?? 0) - (before[0] ?? 0)).toBe(10);
      expect(after[1]).toBe(before[1]);
    } finally {
      await reader.close();
    }
  });

  it('use() leases a connection to the master for a transaction', async () => {
    const replies = await pool.use((connection) => connection.multi().set('sentinel:tx', '1').incr('sentinel:tx').exec());
    expect(replies).toEqual([
      [null, 'OK'],
      [null, 2],
    ]);
    expect(await deployment.node(await deployment.masterOf('mymaster')).get('sentinel:tx')).toBe('2');
  });

  it('retries a read whose connection died under it, but never a write that may have run; idle dead ones are replaced', async () => {
    const options = { sentinels: deployment.sentinelAddresses, name: 'mymaster', password: DATA_PASSWORD, sentinelPassword: SENTINEL_PASSWORD };
    const retrying = createSentinelPool({ ...options, size: 2, retries: 2, connectionName: 'retry-test' });
    const single = createSentinelPool({ ...options, size: 2, retries: 0, connectionName: 'retry-test' });
    try {
      const master = deployment.node(await deployment.masterOf('mymaster'));
      for (const candidate of [retrying, single]) await Promise.all([candidate.execute('SET', 'retry:key', 'v'), candidate.execute('GET', 'retry:key')]);
      const killAll = async (): Promise<void> => {
        await pollUntil(async () => (await killNamed(master, 'retry-test')) === 0, 2_000, 'pool connections killed');
      };
      /** Waits until `command` runs on the master, then kills the connection it runs on (only that one). */
      const killUnder = async (command: string): Promise<void> => {
        let id: string | undefined;
        await pollUntil(async () => {
          const line = String(await master.call('CLIENT', 'LIST')).split('\n').find((entry) => entry.includes(`cmd=${command}`));
          id = line === undefined ? undefined : /^id=(\d+)/.exec(line)?.[1];
          return id !== undefined;
        }, 2_000, `${command} running`);
        await master.call('CLIENT', 'KILL', 'ID', String(id));
      };
      // Killed while idle: the pool never uses them, so nothing fails, even without retries.
      await killAll();
      expect(String(await single.execute('GET', 'retry:key'))).toBe('v');
      // A read whose connection dies under it may run again.
      const read = retrying.execute('XREAD', 'BLOCK', '300', 'STREAMS', 'retry:stream', '$').catch((error: unknown) => error);
      await killUnder('xread');
      expect(await read).toBeNull();
      // A write whose connection dies under it may have run: it is not run again.
      const write = retrying.execute('BLPOP', 'retry:list', '5').catch((error: unknown) => error);
      await killUnder('blpop');
      expect(await write).toMatchObject({ code: 'REDIS_CONNECTION', sent: true });
    } finally {
      await Promise.all([retrying.close(), single.close()]);
    }
  });

  it('64 concurrent callers never open more than size connections on the master (CLIENT LIST)', async () => {
    const master = deployment.node(await deployment.masterOf('mymaster'));
    let maxSeen = 0;
    let running = true;
    const sampler = (async () => {
      while (running) maxSeen = Math.max(maxSeen, await countClients(master, CONNECTION_NAME));
    })();
    await Promise.all(
      Array.from({ length: 64 }, async (_, caller) => {
        for (let round = 0; round < 10; round++) await pool.execute('INCR', `sentinel:load:${caller % 8}`);
      }),
    );
    running = false;
    await sampler;
    expect(maxSeen).toBeGreaterThan(0);
    expect(maxSeen).toBeLessThanOrEqual(4);
  });
});

describe('SentinelPool failover', () => {
  let deployment: TestSentinels;

  beforeAll(async () => {
    deployment = await startSentinels({ downAfterMs: 1_000, failoverTimeoutMs: 3_000 });
  });

  afterAll(async () => {
    await deployment?.stop();
  });

  it('after SENTINEL FAILOVER, 64 callers succeed or fail typed, all soon succeed on the new master, none stays on the old', async () => {
    await runFailover(deployment, 'SENTINEL FAILOVER', async () => {
      await deployment.sentinel(deployment.sentinelAddresses[0] ?? '').call('SENTINEL', 'FAILOVER', 'mymaster');
    });
  });

  it('after the new master is killed, 64 callers succeed or fail typed and all soon succeed on the promoted replica', async () => {
    await runFailover(deployment, 'master killed', async (oldMaster) => {
      await deployment.process(oldMaster).kill();
    });
  });
});

describe('SentinelPool and a demoted master the sentinels still call master', () => {
  let deployment: TestSentinels;

  beforeAll(async () => {
    // One sentinel that takes long to notice anything, so only the READONLY reply can reveal the switch.
    deployment = await startSentinels({ sentinels: 1, quorum: 1, downAfterMs: 60_000 });
  });

  afterAll(async () => {
    await deployment?.stop();
  });

  it('a READONLY reply from the believed master retires every connection to it at once', async () => {
    const pool = createSentinelPool({ sentinels: deployment.sentinelAddresses, name: 'mymaster', size: 4, retries: 0, connectionName: CONNECTION_NAME });
    const reasons: string[] = [];
    pool.on('switch', (_from, _to, reason) => reasons.push(reason));
    try {
      const master = await deployment.masterOf('mymaster');
      const replica = deployment.groups[0]?.nodes[1]?.address ?? '';
      await Promise.all(Array.from({ length: 4 }, () => pool.execute('SET', 'demoted', '1')));
      expect(await countClients(deployment.node(master), CONNECTION_NAME)).toBe(4);
      await deployment.node(replica).call('REPLICAOF', 'NO', 'ONE');
      const [replicaHost = '', replicaPort = ''] = replica.split(':');
      await deployment.node(master).call('REPLICAOF', replicaHost, replicaPort);
      await expect(pool.execute('SET', 'demoted', '2')).rejects.toMatchObject({ code: 'REDIS_REPLY', replyCode: 'READONLY' });
      expect(reasons).toContain('readonly');
      await pollUntil(async () => (await countClients(deployment.node(master), CONNECTION_NAME)) === 0, 2_000, 'connections to the demoted master closed');
    } finally {
      await pool.close();
    }
  });
});

describe('SentinelPool when the announcement was missed', () => {
  let deployment: TestSentinels;

  beforeAll(async () => {
    deployment = await startSentinels({ sentinels: 1, quorum: 1, downAfterMs: 60_000 });
  });

  afterAll(async () => {
    await deployment?.stop();
  });

  it('a READONLY reply makes the pool look the master up again and retry the write there', async () => {
    const pool = createSentinelPool({ sentinels: deployment.sentinelAddresses, name: 'mymaster', encoding: 'utf8', retries: 2 });
    const reasons: string[] = [];
    pool.on('switch', (_from, _to, reason) => reasons.push(reason));
    try {
      const [oldMaster = '', newMaster = ''] = deployment.groups[0]?.nodes.map((node) => node.address) ?? [];
      await pool.execute('SET', 'missed', 'before');
      // Swap roles behind the sentinel's back, then make it name the new master without a +switch-master.
      const [newHost = '', newPort = ''] = newMaster.split(':');
      await deployment.node(newMaster).call('REPLICAOF', 'NO', 'ONE');
      await deployment.node(oldMaster).call('REPLICAOF', newHost, newPort);
      const sentinel = deployment.sentinel(deployment.sentinelAddresses[0] ?? '');
      await sentinel.call('SENTINEL', 'REMOVE', 'mymaster');
      await sentinel.call('SENTINEL', 'MONITOR', 'mymaster', newHost, newPort, '1');
      expect(await pool.execute('SET', 'missed', 'after')).toBe('OK');
      expect(await deployment.node(newMaster).get('missed')).toBe('after');
      expect(pool.master).toBe(newMaster);
      expect(reasons).toEqual(['lookup', 'readonly', 'lookup']);
    } finally {
      await pool.close();
    }
  });
});

async function runFailover(deployment: TestSentinels, label: string, trigger: (oldMaster: string) => Promise<void>): Promise<void> {
  const [readTimeoutMs, connTimeoutMs, acquireTimeoutMs] = [1_000, 1_000, 1_500];
  const pool = createSentinelPool({
    sentinels: deployment.sentinelAddresses,
    name: 'mymaster',
    encoding: 'utf8',
    size: 8,
    readTimeoutMs,
    connTimeoutMs,
    acquireTimeoutMs,
    connectionName: CONNECTION_NAME,
  });
  const announcements = new Redis({ port: Number(deployment.sentinelAddresses[1]?.split(':')[1]) });
  try {
    const oldMaster = await deployment.masterOf('mymaster');
    const announced = new Promise<{ at: number; master: string }>((resolve) => {
      announcements.on('message', (_channel: string, message: string) => {
        const [, , , host, port] = message.split(' ');
        resolve({ at: performance.now(), master: `${host}:${port}` });
      });
    });
    await announcements.subscribe('+switch-master');
    const outcomes: { ok: boolean; code: string; elapsedMs: number }[] = [];
    const call = async (caller: number): Promise<boolean> => {
      const started = performance.now();
      try {
        await pool.execute('INCR', `failover:${caller}`);
        outcomes.push({ ok: true, code: '', elapsedMs: performance.now() - started });
        return true;
      } catch (error) {
        outcomes.push({ ok: false, code: (error as { code?: string }).code ?? 'untyped', elapsedMs: performance.now() - started });
        return false;
      }
    };
    expect((await Promise.all(Array.from({ length: 64 }, (_, caller) => call(caller)))).every(Boolean)).toBe(true);
    let stop = false;
    const callers = Array.from({ length: 64 }, async (_, caller) => {
      while (!stop) await call(caller);
    });
    const triggeredAt = performance.now();
    await trigger(oldMaster);
    const announcement = await announced;
    // Probe which node answers: the first reply from the new master after the announcement.
    let firstSuccessAt = 0;
    await pollUntil(
      async () => {
        const port = await pool.execute('CONFIG', 'GET', 'port').catch(() => undefined);
        firstSuccessAt = performance.now();
        return Array.isArray(port) && `127.0.0.1:${String(port[1])}` === announcement.master;
      },
      10_000,
      'the new master answered',
    );
    // Then every caller must get through: wait for a round in which all 64 succeed.
    stop = true;
    await Promise.all(callers);
    await pollUntil(async () => (await Promise.all(Array.from({ length: 64 }, (_, caller) => call(caller)))).every(Boolean), 10_000, 'all 64 callers succeeded');
    const failures = outcomes.filter((outcome) => !outcome.ok);
    const slowest = Math.max(...outcomes.map((outcome) => outcome.elapsedMs));
    console.log(
      `sentinel failover (${label}): announced ${Math.round(announcement.at - triggeredAt)} ms after the trigger; ` +
        `first success on the new master ${Math.round(firstSuccessAt - announcement.at)} ms after the announcement; ` +
        `${failures.length} typed failures (${[...new Set(failures.map((failure) => failure.code))].join(', ') || 'none'}), slowest call ${Math.round(slowest)} ms`,
    );
    expect(pool.master).toBe(announcement.master);
    expect(failures.every((failure) => failure.code !== 'untyped')).toBe(true);
    // Generous bound: calls are cut by readTimeoutMs / acquireTimeoutMs / connTimeoutMs, never left hanging.
    expect(slowest).toBeLessThan(readTimeoutMs + connTimeoutMs + acquireTimeoutMs + 2_000);
    const old = deployment.process(oldMaster);
    if (old.isRunning) {
      await pollUntil(async () => (await countClients(deployment.node(oldMaster), CONNECTION_NAME)) === 0, 2_000, 'no pool connection left on the old master');
    }
  } finally {
    announcements.disconnect();
    await pool.close();
  }
}

async function getCalls(connection: Redis): Promise<number> {
  const stats = String(await connection.call('INFO', 'commandstats'));
  return Number(/cmdstat_get:calls=(\d+)/.exec(stats)?.[1] ?? 0);
}

/** Kills every client named `name` (CLIENT KILL ID ...) and returns how many were still there. */
async function killNamed(connection: Redis, name: string): Promise<number> {
  const ids = String(await connection.call('CLIENT', 'LIST'))
    .split('\n')
    .filter((line) => line.includes(` name=${name} `))
    .map((line) => /^id=(\d+)/.exec(line)?.[1] ?? '');
  for (const id of ids) await connection.call('CLIENT', 'KILL', 'ID', id);
  return ids.length;
}

describe('createSentinelPool options', () => {
  it.each([
    [{ sentinels: [], name: 'm' }],
    [{ sentinels: ['127.0.0.1:26379'], name: '' }],
    [{ sentinels: ['127.0.0.1:notaport'], name: 'm' }],
    [{ sentinels: ['127.0.0.1:26379'], name: 'm', host: '127.0.0.1' }],
    [{ sentinels: ['127.0.0.1:26379'], name: 'm', retries: -1 }],
    [{ sentinels: ['127.0.0.1:26379'], name: 'm', readFromReplicas: 'yes' }],
    [{ sentinels: ['127.0.0.1:26379'], name: 'm', size: 0 }],
    [{ sentinels: ['127.0.0.1:26379'], name: 'm', size: 2, minIdle: 3 }],
    [{ sentinels: ['127.0.0.1:26379'], name: 'm', connTimeoutMs: 0 }],
    [{ sentinels: ['127.0.0.1:26379'], name: 'm', sentinelPassword: 42 }],
  ])('rejects %j with INVALID_OPTION before connecting anywhere', (options) => {
    expect(() => createSentinelPool(options as never)).toThrow(expect.objectContaining({ code: 'INVALID_OPTION' }));
  });
});
