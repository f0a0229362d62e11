import type { ChainableCommander, RedisCommander } from 'ioredis';
import { afterAll, beforeAll, describe, expect, expectTypeOf, it } from 'vitest';
import {
  createRedisPool,
  type ClusterPool,
  type HashPool,
  type RedisCommands,
  type RedisPool,
  type SentinelHashPool,
  type SentinelPool,
  type Subscriber,
  type SubscriberMessage,
} from '../../src/index.js';
import { RedisServer } from '../support/redis-server.js';

// The type half of this file is checked by `pnpm typecheck` (tsc over src and test): each `@ts-expect-error` fails
// the typecheck if the line under it compiles, each `expectTypeOf` if a reply type differs. The functions holding
// them are never called; the runtime half below runs the same calls against a real server.

/** Replies typed as ioredis types them, on every pool kind and every `on(target)`. */
async function replyTypes(redis: RedisPool, cluster: ClusterPool, hash: HashPool, sentinel: SentinelPool, sentinelHash: SentinelHashPool): Promise<void> {
  for (const commands of [redis.commands, cluster.commands, hash.commands, sentinel.commands, sentinelHash.commands]) {
    expectTypeOf(commands).toEqualTypeOf<RedisCommands>();
    expectTypeOf(await commands.get('k')).toEqualTypeOf<string | null>();
    expectTypeOf(await commands.getBuffer('k')).toEqualTypeOf<Buffer | null>();
    expectTypeOf(await commands.incr('k')).toEqualTypeOf<number>();
    expectTypeOf(await commands.hgetall('h')).toEqualTypeOf<Record<string, string>>();
    expectTypeOf(await commands.hgetallBuffer('h')).toEqualTypeOf<Record<string, Buffer>>();
    expectTypeOf(await commands.blpop('list', 1)).toEqualTypeOf<[string, string] | null>();
    expectTypeOf(await commands.mget('a', 'b')).toEqualTypeOf<(string | null)[]>();
    expectTypeOf(commands.multi()).toEqualTypeOf<ChainableCommander>();
    expectTypeOf(commands.pipeline()).toEqualTypeOf<ChainableCommander>();
    expectTypeOf(await commands.multi().set('a', '1').get('a').exec()).toEqualTypeOf<[error: Error | null, result: unknown][] | null>();
  }
  expectTypeOf(await cluster.on({ shardKey: 'k' }).commands.ping()).toEqualTypeOf<'PONG'>();
  expectTypeOf(await hash.on({ node: '127.0.0.1:6379' }).commands.dbsize()).toEqualTypeOf<number>();
  // The same method types as an ioredis client's.
  expectTypeOf<RedisCommands['hset']>().toEqualTypeOf<RedisCommander['hset']>();
  expectTypeOf<RedisCommands['zrangeBuffer']>().toEqualTypeOf<RedisCommander['zrangeBuffer']>();
}

/** Wrong argument and reply types do not compile. */
async function wrongTypes(redis: RedisPool, cluster: ClusterPool): Promise<void> {
  // @ts-expect-error GET takes a key, not a number array.
  await redis.commands.get([1, 2]);
  // @ts-expect-error INCR takes one key.
  await redis.commands.incr();
  // @ts-expect-error SET needs a value.
  await redis.commands.set('k');
  // @ts-expect-error GET replies with a string or null, not a number.
  const count: number = await redis.commands.get('k');
  // @ts-expect-error getBuffer replies with a Buffer, not a string.
  const text: string | null = await cluster.commands.getBuffer('k');
  // @ts-expect-error hgetall replies with an object, not an array.
  const pairs: string[] = await redis.commands.hgetall('h');
  // @ts-expect-error no such command.
  await redis.commands.notACommand('k');
  // @ts-expect-error WATCH needs a connection you hold: use() or lease().
  await redis.commands.watch('k');
  // @ts-expect-error SUBSCRIBE needs a subscriber: subscriber().
  await redis.commands.subscribe('news');
  // @ts-expect-error a bigint is no key, on a target's commands too.
  await cluster.on({ shardKey: 'k' }).commands.get(1n);
  void [count, text, pairs];
}

/** Subscriber messages are typed by the pool's encoding. */
async function subscriberTypes(utf8: RedisPool<'utf8'>, buffers: RedisPool<null>, either: RedisPool): Promise<void> {
  expectTypeOf(await utf8.subscriber()).toEqualTypeOf<Subscriber<string>>();
  expectTypeOf(await buffers.subscriber()).toEqualTypeOf<Subscriber<Buffer>>();
  for await (const message of await utf8.subscriber()) expectTypeOf(message).toEqualTypeOf<SubscriberMessage<string>>();
  expectTypeOf(createRedisPool({ host: 'h', encoding: 'utf8' })).toEqualTypeOf<RedisPool<'utf8'>>();
  expectTypeOf(createRedisPool({ host: 'h' })).toEqualTypeOf<RedisPool<null>>();
  expectTypeOf(await either.subscriber()).toEqualTypeOf<Subscriber<string | Buffer>>();
  // A pool of either kind is still a RedisPool.
  const pools: RedisPool[] = [utf8, buffers];
  void pools;
}

/** executeOn and executeWith need no `undefined` when there are no options. */
async function withoutOptions(redis: RedisPool): Promise<void> {
  await redis.use((connection) => redis.executeOn(connection, 'GET', 'k'));
  await redis.executeWith('GET', 'k');
}

describe('typed commands (types checked by tsc)', () => {
  let server: RedisServer;
  let redis: RedisPool<'utf8'>;

  beforeAll(async () => {
    server = await RedisServer.start();
    redis = createRedisPool({ host: '127.0.0.1', port: server.port, encoding: 'utf8', size: 2 });
  });

  afterAll(async () => {
    await redis?.close();
    await server?.stop();
  });

  it('the type assertions are functions tsc compiles and the test never calls', () => {
    expect([replyTypes, wrongTypes, withoutOptions, subscriberTypes].map((check) => typeof check)).toEqual(['function', 'function', 'function', 'function']);
  });

  it('the typed replies are what the types promise at run time too', async () => {
    await redis.commands.set('typed:k', '41');
    const incremented: number = await redis.commands.incr('typed:k');
    const value: string | null = await redis.commands.get('typed:k');
    const buffer: Buffer | null = await redis.commands.getBuffer('typed:k');
    expect([incremented, value, buffer]).toEqual([42, '42', Buffer.from('42')]);
  });

  it('a subscriber delivers strings from a pool with an encoding and Buffers from one without, as typed', async () => {
    const buffers = createRedisPool({ host: '127.0.0.1', port: server.port, size: 1 });
    const [text, bytes] = await Promise.all([redis.subscriber(), buffers.subscriber()]);
    try {
      await Promise.all([text.subscribe('typed:news'), bytes.subscribe('typed:news')]);
      expect(await redis.publish('typed:news', 'hello')).toBe(2);
      const [textMessage, bytesMessage] = await Promise.all([text[Symbol.asyncIterator]().next(), bytes[Symbol.asyncIterator]().next()]);
      const asText: string | undefined = textMessage.value?.message;
      const asBytes: Buffer | undefined = bytesMessage.value?.message;
      expect([asText, asBytes]).toEqual(['hello', Buffer.from('hello')]);
    } finally {
      await Promise.all([text.close(), bytes.close(), buffers.close()]);
    }
  });
});
