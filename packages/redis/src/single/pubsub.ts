import type { Redis } from 'ioredis';
import { RedisConnectionError, SubscriberClosedError, type RedisPoolError } from '../errors.js';
import type { Redactor } from '../redact.js';

/** One message received by a {@link Subscriber}. Strings with an `encoding`, Buffers without. */
export interface SubscriberMessage {
  /** The channel it was published to. */
  readonly channel: string | Buffer;
  /** The payload. */
  readonly message: string | Buffer;
  /** The pattern that matched, for messages received through `psubscribe`. */
  readonly pattern?: string | Buffer;
}

/** A waiting `next()` of an iterator. */
interface Reader {
  readonly resolve: (result: IteratorResult<SubscriberMessage>) => void;
  readonly reject: (error: unknown) => void;
}

/**
 * A pub/sub subscriber on its own connection, outside the pool (a subscribed connection can run nothing else).
 * Messages are buffered until read through async iteration; several iterators share one stream of messages.
 * Create it with `RedisPool.subscriber()`. If the connection dies, iteration throws a `RedisConnectionError`.
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
export class Subscriber implements AsyncIterable<SubscriberMessage> {
  readonly #connection: Redis;
  readonly #redactor: Redactor;
  readonly #encoding: BufferEncoding | null;
  readonly #buffered: SubscriberMessage[] = [];
  #bufferedHead = 0;
  readonly #readers: Reader[] = [];
  #failure: RedisPoolError | undefined = undefined;
  #closed = false;

  /** @internal Made by `RedisPool.subscriber()` with a connected connection. */
  constructor(connection: Redis, redactor: Redactor, encoding: BufferEncoding | null) {
    this.#connection = connection;
    this.#redactor = redactor;
    this.#encoding = encoding;
    connection.on('messageBuffer', (channel: Buffer, message: Buffer) => this.#push({ channel: this.#decode(channel), message: this.#decode(message) }));
    connection.on('pmessageBuffer', (pattern: Buffer, channel: Buffer, message: Buffer) =>
      this.#push({ pattern: this.#decode(pattern), channel: this.#decode(channel), message: this.#decode(message) }),
    );
    connection.on('close', () => this.#end(new RedisConnectionError('subscriber connection closed')));
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

  /** Closes the connection; iterators finish (buffered messages are dropped). Idempotent. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#end(undefined);
    this.#connection.disconnect();
  }

  /** Reads messages in arrival order until `close()`; throws `REDIS_CONNECTION` if the connection dies. */
  [Symbol.asyncIterator](): AsyncIterator<SubscriberMessage> {
    return {
      next: () => this.#next(),
      return: () => Promise.resolve({ done: true, value: undefined }),
    };
  }

  #next(): Promise<IteratorResult<SubscriberMessage>> {
    if (this.#bufferedHead < this.#buffered.length) {
      const value = this.#buffered[this.#bufferedHead] as SubscriberMessage;
      this.#bufferedHead++;
      if (this.#bufferedHead === this.#buffered.length) {
        this.#buffered.length = 0;
        this.#bufferedHead = 0;
      }
      return Promise.resolve({ done: false, value });
    }
    if (this.#failure !== undefined) return Promise.reject(this.#failure);
    if (this.#closed) return Promise.resolve({ done: true, value: undefined });
    return new Promise((resolve, reject) => this.#readers.push({ resolve, reject }));
  }

  #push(message: SubscriberMessage): void {
    const reader = this.#readers.shift();
    if (reader !== undefined) reader.resolve({ done: false, value: message });
    else this.#buffered.push(message);
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

  #decode(value: Buffer): string | Buffer {
    return this.#encoding === null ? value : value.toString(this.#encoding);
  }
}
