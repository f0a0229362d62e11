import type { Redis } from 'ioredis';
import { InvalidRedisOptionError, RedisConnectionError, SubscriberClosedError, type RedisPoolError } from '../errors.js';
import type { Redactor } from '../redact.js';

/**
 * One message received by a {@link Subscriber}: `Data` is `string` when the pool has an `encoding`, `Buffer` when it
 * has none (`SubscriberMessage` alone: either).
 */
export interface SubscriberMessage<Data extends string | Buffer = string | Buffer> {
  /** The channel it was published to. */
  readonly channel: Data;
  /** The payload. */
  readonly message: Data;
  /** The pattern that matched, for messages received through `psubscribe`. */
  readonly pattern?: Data;
}

/** What a pool with this `encoding` delivers: strings with an encoding, Buffers with `null`. */
export type DataOf<Encoding extends BufferEncoding | null> = Encoding extends null ? Buffer : string;

/** Options of `RedisPool.subscriber()`. */
export interface SubscriberOptions {
  /**
   * Most messages kept unread. At this mark the subscriber stops reading its socket until the reader has caught up
   * to half of it; meanwhile messages wait in the kernel and then on the server, whose `client-output-buffer-limit
   * pubsub` (32 MB hard by default) disconnects a subscriber that stays too far behind, so a slow reader never
   * grows this process's memory. One socket read may carry the buffer past the mark by the messages it holds.
   * Minimum: 1. @default 1000
   */
  highWaterMark?: number;
}

/** The default of {@link SubscriberOptions.highWaterMark}. */
export const SUBSCRIBER_HIGH_WATER_MARK = 1000;

/** A waiting `next()` of an iterator. */
interface Reader<Data extends string | Buffer> {
  readonly resolve: (result: IteratorResult<SubscriberMessage<Data>>) => void;
  readonly reject: (error: unknown) => void;
}

/**
 * A pub/sub subscriber on its own connection, outside the pool (a subscribed connection can run nothing else).
 * Messages are buffered until read through async iteration, up to `highWaterMark` (then the socket is not read
 * until the reader catches up); several iterators share one stream of messages. Leaving a `for await` loop (break,
 * return, or an exception) unsubscribes and closes the subscriber. Create it with `RedisPool.subscriber()`. If the
 * connection dies, iteration throws a `RedisConnectionError`.
 *
 * @example
 * ```ts
 * const subscriber = await redis.subscriber();
 * await subscriber.subscribe('news');
 * for await (const { channel, message } of subscriber) {
 *   console.log(String(channel), String(message));
 *   break;
 * }
 * await subscriber.close();
 * ```
 */
export class Subscriber<Data extends string | Buffer = string | Buffer> implements AsyncIterable<SubscriberMessage<Data>> {
  readonly #connection: Redis;
  readonly #redactor: Redactor;
  readonly #encoding: BufferEncoding | null;
  readonly #buffered: SubscriberMessage<Data>[] = [];
  #bufferedHead = 0;
  readonly #readers: Reader<Data>[] = [];
  readonly #highWaterMark: number;
  #failure: RedisPoolError | undefined = undefined;
  #closed = false;
  /** The socket is not being read: the buffer reached the high-water mark. */
  #paused = false;

  /** @internal Made by `RedisPool.subscriber()` with a connected connection and checked options. */
  constructor(connection: Redis, redactor: Redactor, encoding: BufferEncoding | null, highWaterMark: number) {
    this.#connection = connection;
    this.#redactor = redactor;
    this.#encoding = encoding;
    this.#highWaterMark = highWaterMark;
    connection.on('messageBuffer', (channel: Buffer, message: Buffer) => this.#push({ channel: this.#decode(channel), message: this.#decode(message) }));
    connection.on('pmessageBuffer', (pattern: Buffer, channel: Buffer, message: Buffer) =>
      this.#push({ pattern: this.#decode(pattern), channel: this.#decode(channel), message: this.#decode(message) }),
    );
    connection.on('close', () => this.#end(new RedisConnectionError('the subscriber connection was closed by the server or the network')));
  }

  /** Whether `close()` was called or the connection ended. */
  get isClosed(): boolean {
    return this.#closed;
  }

  /** Messages received and not yet read. */
  get bufferedMessages(): number {
    return this.#buffered.length - this.#bufferedHead;
  }

  /** Subscribes to channels; resolves once the server confirmed them. @throws RedisPoolError as a rejection. */
  subscribe(...channels: string[]): Promise<void> {
    return this.#run('SUBSCRIBE', () => this.#connection.subscribe(...channels));
  }

  /** Subscribes to glob patterns (`news.*`). @throws RedisPoolError as a rejection. */
  psubscribe(...patterns: string[]): Promise<void> {
    return this.#run('PSUBSCRIBE', () => this.#connection.psubscribe(...patterns));
  }

  /** Unsubscribes from the channels, or from all channels when none are given. */
  unsubscribe(...channels: string[]): Promise<void> {
    return this.#run('UNSUBSCRIBE', () => this.#connection.unsubscribe(...channels));
  }

  /** Unsubscribes from the patterns, or from all patterns when none are given. */
  punsubscribe(...patterns: string[]): Promise<void> {
    return this.#run('PUNSUBSCRIBE', () => this.#connection.punsubscribe(...patterns));
  }

  /**
   * Closes the connection, which ends every subscription on the server; iterators finish (buffered messages are
   * dropped). Idempotent.
   */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#end(undefined);
    this.#buffered.length = 0;
    this.#bufferedHead = 0;
    this.#connection.disconnect();
  }

  /**
   * Reads messages in arrival order until `close()`; throws `REDIS_CONNECTION` if the connection dies. Leaving the
   * loop early (break, return, throw) closes the subscriber, as `close()` does.
   */
  [Symbol.asyncIterator](): AsyncIterator<SubscriberMessage<Data>> {
    return {
      next: () => this.#next(),
      return: async () => {
        // Regression: a reader that left kept the subscription live and its buffer growing without bound.
        await this.close();
        return { done: true, value: undefined };
      },
    };
  }

  #next(): Promise<IteratorResult<SubscriberMessage<Data>>> {
    if (this.#bufferedHead < this.#buffered.length) {
      const value = this.#buffered[this.#bufferedHead] as SubscriberMessage<Data>;
      this.#bufferedHead++;
      if (this.#bufferedHead === this.#buffered.length) {
        this.#buffered.length = 0;
        this.#bufferedHead = 0;
      } else if (this.#bufferedHead >= 1024 && this.#bufferedHead * 2 >= this.#buffered.length) {
        this.#buffered.splice(0, this.#bufferedHead);
        this.#bufferedHead = 0;
      }
      if (this.#paused && this.bufferedMessages <= this.#highWaterMark / 2) {
        this.#paused = false;
        this.#connection.stream.resume();
      }
      return Promise.resolve({ done: false, value });
    }
    if (this.#failure !== undefined) return Promise.reject(this.#failure);
    if (this.#closed) return Promise.resolve({ done: true, value: undefined });
    return new Promise((resolve, reject) => this.#readers.push({ resolve, reject }));
  }

  #push(message: SubscriberMessage<Data>): void {
    if (this.#closed) return;
    const reader = this.#readers.shift();
    if (reader !== undefined) {
      reader.resolve({ done: false, value: message });
      return;
    }
    this.#buffered.push(message);
    if (!this.#paused && this.bufferedMessages >= this.#highWaterMark) {
      // Stop reading: the kernel's and then the server's buffers hold the rest (the server's output-buffer limit
      // protects it from a reader that never catches up).
      this.#paused = true;
      this.#connection.stream.pause();
    }
  }

  #end(failure: RedisPoolError | undefined): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#failure = failure;
    for (const reader of this.#readers.splice(0)) {
      if (failure === undefined) reader.resolve({ done: true, value: undefined });
      else reader.reject(failure);
    }
  }

  async #run(command: string, action: () => Promise<unknown>): Promise<void> {
    if (this.#closed) throw this.#failure ?? new SubscriberClosedError();
    try {
      await action();
    } catch (error) {
      throw this.#redactor.toRedisError(error, command, 0);
    }
  }

  /** `Data` is the pool's choice, made with this very encoding: a Buffer without one, a string with one. */
  #decode(value: Buffer): Data {
    return (this.#encoding === null ? value : value.toString(this.#encoding)) as Data;
  }
}

/**
 * Checks `RedisPool.subscriber()`'s options.
 * @throws InvalidRedisOptionError (`INVALID_OPTION`) naming the bad option.
 */
export function resolveSubscriberOptions(options: SubscriberOptions | undefined): { highWaterMark: number } {
  if (options === undefined) return { highWaterMark: SUBSCRIBER_HIGH_WATER_MARK };
  if (options === null || typeof options !== 'object') throw new InvalidRedisOptionError(`subscriber options must be an object, got ${typeof options}`);
  const highWaterMark = options.highWaterMark ?? SUBSCRIBER_HIGH_WATER_MARK;
  if (typeof highWaterMark !== 'number' || !Number.isSafeInteger(highWaterMark) || highWaterMark < 1) {
    throw new InvalidRedisOptionError(`highWaterMark must be an integer >= 1, got ${String(highWaterMark)}`);
  }
  return { highWaterMark };
}
