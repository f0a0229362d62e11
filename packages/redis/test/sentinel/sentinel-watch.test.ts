import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { NoMasterError, SentinelWatch } from '../../src/sentinel/sentinel-watch.js';
import { Redactor } from '../../src/redact.js';
import { startSilentServer } from '../support/redis-server.js';

const SENTINEL_PASSWORD = 'sentinel-secret-3';

describe('SentinelWatch query deadline', () => {
  let silent: Awaited<ReturnType<typeof startSilentServer>>;

  beforeAll(async () => {
    silent = await startSilentServer();
  });

  afterAll(async () => {
    await silent?.close();
  });

  // The query deadline is AbortSignal.timeout (real time): a short limit, and the assertion is only on the outcome.
  it('a sentinel that accepts but never answers fails the lookup with NO_MASTER, the deadline as cause, no password', async () => {
    const watch = new SentinelWatch({
      sentinels: [{ host: '127.0.0.1', port: silent.port }],
      username: undefined,
      password: SENTINEL_PASSWORD,
      tls: undefined,
      timeoutMs: 150,
      redactor: new Redactor([SENTINEL_PASSWORD]),
    });
    try {
      const error = await watch.masterOf('mymaster').catch((caught: unknown) => caught);
      expect(error).toBeInstanceOf(NoMasterError);
      expect(error).toMatchObject({ code: 'NO_MASTER', masterName: 'mymaster' });
      const cause = (error as NoMasterError).cause as Error;
      expect(cause.message).toBe('sentinel did not answer within 150 ms');
      expect(`${String(error)} ${cause.stack ?? ''}`).not.toContain(SENTINEL_PASSWORD);
      await expect.poll(() => silent.openSockets(), { timeout: 5000 }).toBe(0);
    } finally {
      watch.close();
    }
  });
});
