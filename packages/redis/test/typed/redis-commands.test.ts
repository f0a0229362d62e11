import { describe, expect, it } from 'vitest';
import type { CommandOptions, RedisArgument } from '../../src/index.js';
import { RedisCommands, type BatchReplies, type CommandRoute, type RecordedCommand } from '../../src/typed/redis-commands.js';

/** A route that records what the facade hands to a pool, and answers with what the test says. */
class RecordingRoute implements CommandRoute {
  readonly sent: { options: CommandOptions | undefined; command: string; args: RedisArgument[] }[] = [];
  readonly batches: { kind: 'multi' | 'pipeline'; commands: readonly RecordedCommand[] }[] = [];
  reply: unknown = 'OK';

  async executeWith(options: CommandOptions | undefined, command: string, ...args: RedisArgument[]): Promise<unknown> {
    this.sent.push({ options, command, args });
    return this.reply;
  }

  async execBatch(kind: 'multi' | 'pipeline', commands: readonly RecordedCommand[]): Promise<BatchReplies> {
    this.batches.push({ kind, commands });
    return commands.map((): [Error | null, unknown] => [null, 'OK']);
  }
}

describe('RedisCommands (the facade, without a server)', () => {
  it('has a method and a ...Buffer twin for every command of an ioredis client, less those needing a held connection', () => {
    const commands = new RedisCommands(new RecordingRoute()) as unknown as Record<string, unknown>;
    for (const name of ['get', 'getBuffer', 'hgetall', 'hgetallBuffer', 'blpop', 'xadd', 'evalsha', 'call', 'callBuffer', 'multi', 'pipeline']) {
      expect(typeof commands[name], name).toBe('function');
    }
    for (const name of ['watch', 'exec', 'subscribe', 'psubscribeBuffer', 'quit', 'monitor']) expect(commands[name], name).toBeUndefined();
  });

  it('sends the lower-case command, the reply kind and the arguments as ioredis would send them', async () => {
    const route = new RecordingRoute();
    const commands = new RedisCommands(route);
    await commands.hset('h', { a: 1, b: Buffer.from('x') });
    await commands.mgetBuffer(['k1', 'k2', 'k3']);
    await commands.call('GET', 'k');
    expect(route.sent).toEqual([
      { options: { ioredisReply: 'string' }, command: 'hset', args: ['h', 'a', '1', 'b', Buffer.from('x')] },
      { options: { ioredisReply: 'buffer' }, command: 'mget', args: ['k1', 'k2', 'k3'] },
      { options: { ioredisReply: 'string' }, command: 'GET', args: ['k'] },
    ]);
  });

  it('rejects values ioredis would silently mangle, and sends nothing', async () => {
    const route = new RecordingRoute();
    const commands = new RedisCommands(route);
    // (A function last is a callback, as with ioredis.)
    const bad: unknown[] = [undefined, null, Number.NaN, Infinity, {}, [[1]], Symbol('s'), 1n];
    for (const value of bad) {
      await expect(commands.set('k', value as string), String(typeof value)).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
    }
    await expect(commands.hset('h', new Map([['a', {} as string]]))).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
    expect(route.sent).toEqual([]);
  });

  it('a trailing callback gets the reply and is not sent as an argument', async () => {
    const route = new RecordingRoute();
    route.reply = 'value';
    const commands = new RedisCommands(route);
    const viaCallback = await new Promise((resolve) => void commands.get('k', (_error, value) => resolve(value)));
    expect(viaCallback).toBe('value');
    expect(route.sent[0]?.args).toEqual(['k']);
  });

  it('multi() records its calls and hands them over at exec(), once, in replay form for ioredis', async () => {
    const route = new RecordingRoute();
    const commands = new RedisCommands(route);
    const chain = commands.multi([['set', 'a', 1]]).getBuffer('a').call('INCRBY', 'a', 2);
    expect(chain.length).toBe(3);
    expect(route.batches).toEqual([]);
    const first = chain.exec();
    expect(chain.exec()).toBe(first);
    await first;
    expect(route.batches).toEqual([
      {
        kind: 'multi',
        commands: [
          { name: 'set', args: ['a', '1'], replay: ['set', 'a', '1'] },
          { name: 'get', args: ['a'], replay: ['getBuffer', 'a'] },
          { name: 'INCRBY', args: ['a', '2'], replay: ['call', 'INCRBY', 'a', '2'] },
        ],
      },
    ]);
  });
});
