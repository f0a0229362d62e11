import { getEventListeners } from 'node:events';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { createRedisPool, RedisConnectionError, RedisTimeoutError } from '@pool/redis';
import { connectWithin, unlessAborted } from '../../src/connection/connect-deadline.js';
import { RedisConnectionFactory } from '../../src/connection/factory.js';
import { resolveRedisOptions, type RedisPoolOptions } from '../../src/options.js';
import { Redactor } from '../../src/redact.js';
import { runRedisScript } from '../support/child-node.js';
import { collectWarnings } from '../support/harness.js';
import { RedisServer, startSilentServer } from '../support/redis-server.js';

// The connect deadline is `AbortSignal.timeout` joined with the pool's create signal by `AbortSignal.any`: real
// timers, so these tests use short real limits and generous hang bounds, never fake timers.

const PASSWORD = 's3cret-pw';
const never = (): Promise<never> => new Promise<never>(() => undefined);

function factoryFor(options: RedisPoolOptions): RedisConnectionFactory {
  return new RedisConnectionFactory(resolveRedisOptions(options), new Redactor([options.password]));
}

describe('connect deadline', () => {
  let silent: Awaited<ReturnType<typeof startSilentServer>>;

  beforeAll(async () => {
    silent = await startSilentServer();
  });

  afterAll(async () => {
    await silent?.close();
  });

  it.each([
    ['without a pool signal', undefined],
    ['with a pool signal that never aborts', new AbortController().signal],
  ])('a connect that never answers rejects REDIS_TIMEOUT, not sent (%s)', async (_, signal) => {
    const factory = factoryFor({ host: '127.0.0.1', port: silent.port, password: PASSWORD, connTimeoutMs: 100 });
    const error = await factory.create(signal).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(RedisTimeoutError);
    expect(error).toMatchObject({ code: 'REDIS_TIMEOUT', timeoutMs: 100, sent: false });
    await expect.poll(() => silent.openSockets(), { timeout: 5000 }).toBe(0);
  });

  it('an abort of the pool signal rejects REDIS_CONNECTION with the reason, password-free, as cause', async () => {
    const factory = factoryFor({ host: '127.0.0.1', port: silent.port, password: PASSWORD, connTimeoutMs: 60_000 });
    const pool = new AbortController();
    const creating = factory.create(pool.signal).catch((caught: unknown) => caught);
    await expect.poll(() => silent.openSockets(), { timeout: 5000 }).toBe(1);
    pool.abort(new Error(`the pool gave up on redis://app:${PASSWORD}@127.0.0.1:${silent.port} (${PASSWORD})`));
    const error = await creating;
    expect(error).toBeInstanceOf(RedisConnectionError);
    expect(error).toMatchObject({ code: 'REDIS_CONNECTION', sent: false, cause: { message: expect.stringContaining('the pool gave up') } });
    const cause = (error as RedisConnectionError).cause as Error;
    expect(`${cause.message} ${cause.stack ?? ''} ${(error as Error).message}`).not.toContain(PASSWORD);
    await expect.poll(() => silent.openSockets(), { timeout: 5000 }).toBe(0);
  });

  it('a pool signal aborted before the connect rejects REDIS_CONNECTION without opening a socket', async () => {
    const factory = factoryFor({ host: '127.0.0.1', port: silent.port, connTimeoutMs: 60_000 });
    const error = await factory.create(AbortSignal.abort(new Error('closing'))).catch((caught: unknown) => caught);
    expect(error).toMatchObject({ code: 'REDIS_CONNECTION', sent: false, cause: { message: 'closing' } });
    expect(silent.openSockets()).toBe(0);
  });

  // Regression: AbortSignal.timeout takes whole milliseconds up to 2^32-1 and throws ERR_OUT_OF_RANGE otherwise, and a
  // Node timer longer than 2^31-1 ms fires after 1 ms; connTimeoutMs accepts any number >= 1.
  it('a limit that is not a whole number of milliseconds still times out with REDIS_TIMEOUT', async () => {
    const error = await connectWithin(never, 1.5, undefined, 'connect', new Redactor([])).catch((caught: unknown) => caught);
    expect(error).toMatchObject({ code: 'REDIS_TIMEOUT', timeoutMs: 1.5 });
  });

  it('a limit longer than a timer honours does not time out at once', async () => {
    const answered = new Promise<string>((resolve) => setTimeout(() => resolve('ready'), 50));
    await expect(connectWithin(() => answered, 2 ** 31, undefined, 'connect', new Redactor([]))).resolves.toBe('ready');
    await expect(connectWithin(() => Promise.resolve('ready'), 2 ** 40, undefined, 'connect', new Redactor([]))).resolves.toBe('ready');
  });

  it('work behind a signal that already aborted rejects at once with the stop error', async () => {
    await expect(unlessAborted(never(), AbortSignal.abort(), () => new Error('stopped'))).rejects.toThrow('stopped');
  });
});

describe('connect deadline listeners', () => {
  let server: RedisServer;

  beforeAll(async () => {
    server = await RedisServer.start();
  });

  afterAll(async () => {
    await server?.stop();
  });

  afterEach(() => {
    vi.restoreAllMocks();
  });

  // Regression: a listener left on a signal after the connect settled keeps the connect's closure reachable for as
  // long as the signal lives.
  it('after a successful connect no abort listener remains on the pool signal or on the signal bounding the connect', async () => {
    const any = vi.spyOn(AbortSignal, 'any');
    const factory = factoryFor({ host: '127.0.0.1', port: server.port, connTimeoutMs: 5_000 });
    const pool = new AbortController();
    const creating = factory.create(pool.signal);
    const bound = any.mock.results[0]?.value as AbortSignal | undefined;
    if (bound === undefined) throw new Error('the connect did not join its deadline with the pool signal');
    expect(getEventListeners(bound, 'abort')).toHaveLength(1);
    const connection = await creating;
    try {
      expect(connection.status).toBe('ready');
      expect(getEventListeners(bound, 'abort')).toHaveLength(0);
      expect(getEventListeners(pool.signal, 'abort')).toHaveLength(0);
      expect(bound.aborted).toBe(false);
    } finally {
      factory.destroy(connection);
    }
  });

  // Regression: on Node 20 a signal from AbortSignal.any with an abort listener on it is held strongly until it aborts;
  // with a timeout among its sources that never happens once the timeout signal is collected, so a listener left on
  // it would keep every connect's combined signal and closure for the life of the process.
  it('the combined signal of every finished connect can be garbage-collected', async () => {
    const result = await runRedisScript(
      `
      import { setTimeout as sleep } from 'node:timers/promises';
      import { createRedisPool } from POOL_REDIS;
      let joined = 0;
      let collected = 0;
      const registry = new FinalizationRegistry(() => collected++);
      const any = AbortSignal.any.bind(AbortSignal);
      AbortSignal.any = (signals) => {
        const signal = any(signals);
        joined++;
        registry.register(signal, undefined);
        return signal;
      };
      for (let round = 0; round < 20; round++) {
        const pool = createRedisPool({ host: '127.0.0.1', port: ${server.port}, size: 2, connTimeoutMs: 600_000 });
        await Promise.all([pool.execute('PING'), pool.execute('PING')]);
        await pool.close();
      }
      for (let attempt = 0; attempt < 50 && collected < joined; attempt++) {
        globalThis.gc();
        await sleep(20);
      }
      console.log(joined >= 20 && collected === joined ? 'all collected' : \`\${collected} of \${joined} collected\`);
    `,
      { nodeArgs: ['--expose-gc'] },
    );
    expect(result).toEqual({ code: 0, stdout: 'all collected\n', stderr: '' });
  });

  // Regression: ioredis arms its own timers with connectTimeout and commandTimeout; past 2^31-1 ms Node fires them after
  // 1 ms (TimeoutOverflowWarning), so every connect's PING timed out with readTimeoutMs 2^31.
  it.each([false, true])('limits longer than a Node timer honours are capped: the pool connects and answers (multiplex %s)', async (multiplex) => {
    const warnings = await collectWarnings(async () => {
      const pool = createRedisPool({ host: '127.0.0.1', port: server.port, encoding: 'utf8', multiplex, connTimeoutMs: 2 ** 31, readTimeoutMs: 2 ** 40 });
      try {
        expect(await pool.execute('PING')).toBe('PONG');
        expect(await pool.executeWith({ timeoutMs: 2 ** 35 }, 'ECHO', 'long')).toBe('long');
        expect(await pool.use((connection) => connection.ping())).toBe('PONG');
      } finally {
        await pool.close();
      }
    });
    expect(warnings).toEqual([]);
  });

  it('a script that used the pool exits promptly after close: the connect deadline does not keep it alive', async () => {
    // A 10-minute connTimeoutMs: a deadline timer that kept the process alive would run into the 20 s kill.
    const result = await runRedisScript(`
      import { createRedisPool } from POOL_REDIS;
      const pool = createRedisPool({ host: '127.0.0.1', port: ${server.port}, connTimeoutMs: 600_000, encoding: 'utf8' });
      console.log(await pool.execute('PING'));
      await pool.close();
    `);
    expect(result).toEqual({ code: 0, stdout: 'PONG\n', stderr: '' });
  });

  it('a script whose connect gets no answer gets REDIS_TIMEOUT instead of exiting with the call pending', async () => {
    const silent = await startSilentServer();
    try {
      const result = await runRedisScript(`
        import { createRedisPool } from POOL_REDIS;
        const pool = createRedisPool({ host: '127.0.0.1', port: ${silent.port}, connTimeoutMs: 300 });
        console.log(await pool.execute('PING').catch((error) => error.code));
        await pool.close();
      `);
      expect(result).toEqual({ code: 0, stdout: 'REDIS_TIMEOUT\n', stderr: '' });
    } finally {
      await silent.close();
    }
  });
});
