import { expect, it } from 'vitest';
import { RedisReplyError, type RedisCommands } from '../../src/index.js';

/** What the contract needs of a pool: its typed commands, its raw execute, and its connection counters. */
export interface TypedPoolUnderTest {
  readonly commands: RedisCommands;
  execute(command: string, ...args: (string | number | Buffer)[]): Promise<unknown>;
  /** Connections handed out so far (summed over buckets or node pools). */
  acquired(): number;
  /** Connections in use right now. */
  inUse(): number;
}

/** Options of {@link typedCommandsContract}. */
export interface ContractOptions {
  /** A hash tag for every key of this run, so multi-key commands and batches stay on one slot and runs don't meet. */
  readonly tag: string;
  /** Whether the pool multiplexes shareable commands (fewer acquires than commands). */
  readonly multiplexed: boolean;
}

/**
 * The claims every pool kind makes about `commands`, in both modes: ioredis' reply types and transforms, the raw
 * `execute` left alone, block time on top of `readTimeoutMs` (the pool must be made with `readTimeoutMs: 500`),
 * typed errors, and multi/pipeline on one leased connection. `pool()` is read when each test runs.
 */
export function typedCommandsContract(pool: () => TypedPoolUnderTest, options: ContractOptions): void {
  const key = (name: string): string => `{${options.tag}}:${name}`;

  it('get, incr, getBuffer and call reply as ioredis does: a string, a number, a Buffer', async () => {
    const { commands } = pool();
    expect(await commands.set(key('counter'), 41)).toBe('OK');
    expect(await commands.incr(key('counter'))).toBe(42);
    expect(await commands.get(key('counter'))).toBe('42');
    expect(await commands.getBuffer(key('counter'))).toEqual(Buffer.from('42'));
    expect(await commands.get(key('missing'))).toBeNull();
    expect(await commands.call('get', key('counter'))).toBe('42');
    expect(await commands.callBuffer('get', key('counter'))).toEqual(Buffer.from('42'));
  });

  it('hset takes an object and hgetall replies with one, while execute keeps the raw flat reply', async () => {
    const { commands } = pool();
    expect(await commands.hset(key('user'), { name: 'Ada', visits: 1 })).toBe(2);
    expect(await commands.hgetall(key('user'))).toEqual({ name: 'Ada', visits: '1' });
    expect(await commands.hgetallBuffer(key('user'))).toEqual({ name: Buffer.from('Ada'), visits: Buffer.from('1') });
    const raw = await pool().execute('HGETALL', key('user'));
    expect(Array.isArray(raw) && raw.map(String)).toEqual(['name', 'Ada', 'visits', '1']);
  });

  it('arrays are flattened as ioredis does (del of a key list, mget)', async () => {
    const { commands } = pool();
    await commands.mset(key('a'), '1', key('b'), '2');
    expect(await commands.mget([key('a'), key('b'), key('c')])).toEqual(['1', '2', null]);
    expect(await commands.del([key('a'), key('b')])).toBe(2);
  });

  it('a blocking command gets its block time on top of readTimeoutMs (500 ms) and replies null when it ends', async () => {
    const { commands } = pool();
    // BLPOP blocks for 1 s, longer than readTimeoutMs: it must time out on the server (null), not on the client.
    expect(await commands.blpop(key('empty-queue'), 1)).toBeNull();
    await commands.rpush(key('queue'), 'job-1');
    expect(await commands.blpop(key('queue'), 1)).toEqual([key('queue'), 'job-1']);
    expect(await commands.brpopBuffer(key('empty-queue'), 0.6)).toBeNull();
  });

  it('an error reply is a RedisReplyError, and its connection goes back to the pool', async () => {
    const { commands } = pool();
    await commands.set(key('plain'), 'text');
    const failure = commands.hgetall(key('plain'));
    await expect(failure).rejects.toBeInstanceOf(RedisReplyError);
    await expect(failure).rejects.toMatchObject({ code: 'REDIS_REPLY', replyCode: 'WRONGTYPE', command: 'HGETALL' });
    expect(pool().inUse()).toBe(0);
  });

  it('a bad argument fails with INVALID_ARGUMENT and nothing is sent', async () => {
    const { commands } = pool();
    const acquired = pool().acquired();
    await expect(commands.set(key('bad'), undefined as unknown as string)).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
    await expect(commands.hset(key('bad'), { nested: { deep: 1 } })).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
    await expect(commands.call('')).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
    expect(pool().acquired()).toBe(acquired);
    expect(await commands.exists(key('bad'))).toBe(0);
  });

  it('a callback gets the reply too, as with ioredis', async () => {
    const { commands } = pool();
    await commands.set(key('callback'), 'called');
    const viaCallback = await new Promise<unknown>((resolve, reject) => {
      void commands.get(key('callback'), (error, value) => (error ? reject(error) : resolve(value)));
    });
    expect(viaCallback).toBe('called');
  });

  it(`${options.multiplexed ? 'shares connections: 40 commands take fewer than 40' : 'leases one connection per command: 40 commands take 40'}`, async () => {
    const { commands } = pool();
    await commands.del(key('shared'));
    const acquired = pool().acquired();
    await Promise.all(Array.from({ length: 40 }, () => commands.incr(key('shared'))));
    const taken = pool().acquired() - acquired;
    if (options.multiplexed) expect(taken).toBeLessThan(40);
    else expect(taken).toBe(40);
    expect(await commands.get(key('shared'))).toBe('40');
    expect(pool().inUse()).toBe(0);
  });

  it('multi() runs its commands at exec() on one leased connection, released afterwards, ...Buffer replies included', async () => {
    const { commands } = pool();
    const transaction = commands.multi().set(key('tx'), '1').incr(key('tx')).getBuffer(key('tx')).hgetall(key('user'));
    expect(transaction.length).toBe(4);
    // Nothing is sent before exec().
    expect(await commands.exists(key('tx'))).toBe(0);
    const acquired = pool().acquired();
    const replies = await transaction.exec();
    expect(replies).toEqual([
      [null, 'OK'],
      [null, 2],
      [null, Buffer.from('2')],
      [null, { name: 'Ada', visits: '1' }],
    ]);
    expect(pool().acquired() - acquired).toBe(1);
    expect(pool().inUse()).toBe(0);
  });

  it('pipeline() gives a command its own error reply, typed, and the others their replies', async () => {
    const { commands } = pool();
    const replies = await commands.pipeline([['set', key('pipe'), 'x']]).hgetall(key('pipe')).get(key('pipe')).exec();
    expect(replies?.[0]).toEqual([null, 'OK']);
    expect(replies?.[1]?.[0]).toMatchObject({ code: 'REDIS_REPLY', replyCode: 'WRONGTYPE' });
    expect(replies?.[2]).toEqual([null, 'x']);
    expect(pool().inUse()).toBe(0);
  });

  it('a transaction that fails as a whole (EXECABORT) rejects with a RedisReplyError', async () => {
    const { commands } = pool();
    const aborted = commands.multi().set(key('abort'), '1').call('incrby', key('abort')).exec();
    await expect(aborted).rejects.toMatchObject({ code: 'REDIS_REPLY', replyCode: 'EXECABORT' });
    expect(await commands.exists(key('abort'))).toBe(0);
    expect(pool().inUse()).toBe(0);
  });

  it('a recorded call with a bad argument rejects exec() with INVALID_ARGUMENT before anything is sent', async () => {
    const { commands } = pool();
    const acquired = pool().acquired();
    await expect(commands.multi().set(key('never'), '1').get(null as unknown as string).exec()).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
    await expect(commands.pipeline([['noSuchMethod', 'x']]).exec()).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
    expect(pool().acquired()).toBe(acquired);
    expect(await commands.exists(key('never'))).toBe(0);
  });
}
