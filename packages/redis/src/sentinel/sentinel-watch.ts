import { EventEmitter } from 'node:events';
import type { ConnectionOptions as TlsOptions } from 'node:tls';
import { PoolError } from '@pool/core';
import { Redis } from 'ioredis';
import { deadlineSignal, timerDelayMs, unlessAborted } from '../connection/connect-deadline.js';
import { RedisPoolError } from '../errors.js';
import type { Redactor } from '../redact.js';
import { formatHostPort } from '../routing/targets.js';

/** A data node's address, as sentinels report it. */
export interface NodeAddress {
  readonly host: string;
  readonly port: number;
}

/** No sentinel could name a master for the name (all down, unknown name, wrong sentinel credentials). */
export class NoMasterError extends RedisPoolError {
  /** The master name asked for. */
  readonly masterName: string;

  constructor(masterName: string, cause?: unknown) {
    super('NO_MASTER', `no sentinel could name the master of ${JSON.stringify(masterName)}`, cause === undefined ? undefined : { cause });
    this.masterName = masterName;
  }
}
PoolError.brand(NoMasterError, '@pool/redis:NoMasterError');

/** How to reach the sentinels. Their credentials are their own, separate from the data nodes'. */
export interface SentinelWatchOptions {
  readonly sentinels: readonly NodeAddress[];
  readonly username: string | undefined;
  readonly password: string | undefined;
  readonly tls: TlsOptions | undefined;
  /** Each sentinel query (connect + reply) must finish within this. */
  readonly timeoutMs: number;
  readonly redactor: Redactor;
}

/** Events of {@link SentinelWatch}. */
export interface SentinelWatchEvents {
  /** A sentinel announced `+switch-master`: `name` is now served by `master`. */
  'switch-master': [name: string, master: NodeAddress];
}

/** Replica flags that make a replica unfit to read from. */
const UNFIT_REPLICA = /s_down|o_down|disconnected/;
const RESUBSCRIBE_MAX_DELAY_MS = 1_000;

/**
 * Talks to the sentinels for one or more pools: asks who the master (or the replicas) of a name are, and listens on
 * every sentinel for `+switch-master`, so a failover is known the moment any sentinel announces it rather than when
 * the old master finally drops its clients.
 */
export class SentinelWatch extends EventEmitter<SentinelWatchEvents> {
  readonly #options: SentinelWatchOptions;
  /** Sentinels in the order to ask them; one that answered moves to the front. */
  #order: NodeAddress[];
  readonly #subscribers: Redis[] = [];
  #isClosed = false;

  constructor(options: SentinelWatchOptions) {
    super();
    this.setMaxListeners(0);
    this.#options = options;
    this.#order = [...options.sentinels];
  }

  /** Subscribes to `+switch-master` on every sentinel; subscriptions reconnect on their own. Idempotent. */
  listen(): void {
    if (this.#subscribers.length > 0 || this.#isClosed) return;
    for (const sentinel of this.#options.sentinels) {
      const subscriber = this.#connect(sentinel, {
        retryStrategy: (attempt: number) => Math.min(attempt * 100, RESUBSCRIBE_MAX_DELAY_MS),
        autoResubscribe: true,
        enableOfflineQueue: true,
        maxRetriesPerRequest: null,
      });
      subscriber.on('message', (_channel: string, message: string) => this.#onSwitch(message));
      subscriber.subscribe('+switch-master').catch(() => undefined);
      this.#subscribers.push(subscriber);
    }
  }

  /**
   * The master of `name`, from the first sentinel that knows it.
   * @throws NoMasterError (`NO_MASTER`) when none does; `cause` is the last sentinel's error.
   */
  async masterOf(name: string): Promise<NodeAddress> {
    return this.#ask(name, async (connection) => {
      const reply = (await connection.call('SENTINEL', 'GET-MASTER-ADDR-BY-NAME', name)) as [string, string] | null;
      return reply === null ? undefined : { host: reply[0], port: Number(reply[1]) };
    });
  }

  /**
   * The replicas of `name` fit to read from (not down, not disconnected, link to the master up).
   * @throws NoMasterError (`NO_MASTER`) when no sentinel answers.
   */
  async replicasOf(name: string): Promise<NodeAddress[]> {
    return this.#ask(name, async (connection) => {
      const replies = (await connection.call('SENTINEL', 'REPLICAS', name)) as string[][];
      return replies.map(toRecord).filter((replica) => !UNFIT_REPLICA.test(replica['flags'] ?? '') && replica['master-link-status'] === 'ok')
        .map((replica) => ({ host: replica['ip'] ?? '', port: Number(replica['port']) }));
    });
  }

  /** Closes the subscriptions. Queries in flight finish on their own connections. */
  close(): void {
    this.#isClosed = true;
    for (const subscriber of this.#subscribers) subscriber.disconnect();
    this.#subscribers.length = 0;
    this.removeAllListeners();
  }

  async #ask<R>(name: string, query: (connection: Redis) => Promise<R | undefined>): Promise<R> {
    let lastError: unknown;
    for (const sentinel of [...this.#order]) {
      const connection = this.#connect(sentinel, { retryStrategy: () => null, enableOfflineQueue: true, maxRetriesPerRequest: 0 });
      try {
        const answer = await withTimeout(query(connection), this.#options.timeoutMs);
        if (answer !== undefined) {
          this.#order = [sentinel, ...this.#order.filter((other) => other !== sentinel)];
          return answer;
        }
      } catch (error) {
        lastError = this.#options.redactor.sanitise(error);
      } finally {
        connection.disconnect();
      }
    }
    throw new NoMasterError(name, lastError);
  }

  #onSwitch(message: string): void {
    // "<name> <old-ip> <old-port> <new-ip> <new-port>"
    const [name, , , host, port] = message.split(' ');
    if (name === undefined || host === undefined || port === undefined) return;
    this.emit('switch-master', name, { host, port: Number(port) });
  }

  #connect(sentinel: NodeAddress, extra: Record<string, unknown>): Redis {
    const { username, password, tls, timeoutMs } = this.#options;
    const connection = new Redis({
      host: sentinel.host,
      port: sentinel.port,
      ...(username === undefined ? {} : { username }),
      ...(password === undefined ? {} : { password }),
      ...(tls === undefined ? {} : { tls }),
      connectTimeout: timerDelayMs(timeoutMs),
      enableReadyCheck: false,
      disableClientInfo: true,
      ...extra,
    });
    // Errors also fail the query they hit; a subscriber reconnects on its own.
    connection.on('error', () => undefined);
    return connection;
  }
}

/** `host:port` of an address. */
export function addressText(address: NodeAddress): string {
  return formatHostPort(address.host, address.port);
}

function toRecord(fields: readonly string[]): Record<string, string> {
  const record: Record<string, string> = {};
  for (let index = 0; index + 1 < fields.length; index += 2) record[fields[index] ?? ''] = fields[index + 1] ?? '';
  return record;
}

/** `work`, or a plain error once `timeoutMs` passed (the caller keeps it, sanitised, as `NO_MASTER`'s cause). */
async function withTimeout<R>(work: Promise<R>, timeoutMs: number): Promise<R> {
  return unlessAborted(work, deadlineSignal(timeoutMs), () => new Error(`sentinel did not answer within ${timeoutMs} ms`));
}
