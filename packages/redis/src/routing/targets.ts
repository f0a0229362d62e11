import { PoolError } from '@pool/core';
import { InvalidArgumentError, RedisPoolError } from '../errors.js';
import type { RedisKey } from './hash-slot.js';
import type { CommandOptions, RedisArgument, RedisReply } from '../connection/send.js';
import type { RedisCommands } from '../typed/redis-commands.js';

/**
 * Where a command of a multi-server pool goes when its node cannot (or should not) be derived from its keys.
 * Pass it through `pool.on(target)`, which keeps `execute('GET', key)` plain:
 *
 * - `{ shardKey }`: route as if the command's key were `shardKey` (its slot, hash tags included). For keyless
 *   commands (`PING`, `EVAL` with no keys, module commands) and to keep related data together.
 * - `{ node }`: this one server, `'host:port'` (pyredis' `sock`); in a sentinel hash pool, the master name.
 *
 * @example
 * ```ts
 * await redis.on({ shardKey: 'user:42' }).execute('EVAL', script, 0);
 * await redis.on({ node: '10.0.0.5:6379' }).execute('DBSIZE');
 * ```
 */
export type Target =
  | {
      /** Route as if this were the command's key (its hash slot picks the node). */
      readonly shardKey: RedisKey;
    }
  | {
      /** Route to this node, `host:port` (pyredis' `sock`). */
      readonly node: string;
    };

/** What every pool, and every `pool.on(target)`, can do with one command. */
export interface CommandExecutor {
  /** Runs one command on the node its key (or the target) selects. */
  execute(command: string, ...args: RedisArgument[]): Promise<RedisReply>;
  /** {@link CommandExecutor.execute} with per-call options, e.g. `{ timeoutMs }`. */
  executeWith(options: CommandOptions | undefined, command: string, ...args: RedisArgument[]): Promise<RedisReply>;
  /** {@link CommandExecutor.execute}: `executeWith` without options. */
  executeWith(command: string, ...args: RedisArgument[]): Promise<RedisReply>;
  /** ioredis' typed command methods, routed the same way (see `RedisCommands`). */
  readonly commands: RedisCommands;
}

/** A command has no key and no target was given, so no node can be chosen. Nothing was sent. */
export class NoTargetError extends RedisPoolError {
  /** The command, upper-cased. */
  readonly command: string;

  constructor(command: string) {
    super(
      'NO_TARGET',
      `${command.toUpperCase()} has no key to route by: use pool.on({ shardKey }) or pool.on({ node: 'host:port' })`,
    );
    this.command = command.toUpperCase();
  }
}
PoolError.brand(NoTargetError, '@pool/redis:NoTargetError');

/** A `{ node }` target names no node of the pool. Nothing was sent. */
export class UnknownNodeError extends RedisPoolError {
  /** The node as given. */
  readonly node: string;

  constructor(node: string, known: readonly string[]) {
    super('UNKNOWN_NODE', `node ${JSON.stringify(node)} is not in the pool (known: ${known.join(', ')})`);
    this.node = node;
  }
}
PoolError.brand(UnknownNodeError, '@pool/redis:UnknownNodeError');

/**
 * A command's keys live on different nodes: different slots in a cluster (the server's CROSSSLOT), different buckets
 * in a hash pool. Nothing was sent. Use hash tags (`{user42}.a`, `{user42}.b`) to keep keys together.
 */
export class CrossSlotError extends RedisPoolError {
  /** The command, upper-cased. */
  readonly command: string;

  constructor(command: string, where: string, cause?: unknown) {
    super('CROSS_SLOT', `${command.toUpperCase()} keys are in different ${where}; use hash tags such as {user42}.a and {user42}.b`, cause === undefined ? undefined : { cause });
    this.command = command.toUpperCase();
  }
}
PoolError.brand(CrossSlotError, '@pool/redis:CrossSlotError');

/**
 * Checks a target given to `pool.on()`.
 * @throws InvalidArgumentError (`INVALID_ARGUMENT`) naming what is wrong.
 */
export function validateTarget(target: unknown): Target {
  if (target === null || typeof target !== 'object') {
    throw new InvalidArgumentError(`target must be { shardKey } or { node }, got ${target === null ? 'null' : typeof target}`);
  }
  const hasShardKey = 'shardKey' in target;
  const hasNode = 'node' in target;
  if (hasShardKey === hasNode) throw new InvalidArgumentError('target must have exactly one of shardKey or node');
  if (hasShardKey) {
    const { shardKey } = target as { shardKey: unknown };
    const isKey = typeof shardKey === 'string' || Buffer.isBuffer(shardKey) || (typeof shardKey === 'number' && Number.isFinite(shardKey));
    if (!isKey) throw new InvalidArgumentError(`shardKey must be a string, a Buffer or a finite number, got ${typeof shardKey}`);
    return { shardKey: shardKey as RedisKey };
  }
  const { node } = target as { node: unknown };
  if (typeof node !== 'string' || node === '') throw new InvalidArgumentError(`node must be a non-empty string, got ${typeof node}`);
  return { node };
}

/**
 * Splits `'host[:port]'` (IPv6 as `[::1]:6379`, or bare `::1` without a port); the port defaults to `defaultPort`.
 * @returns undefined for an empty host or a port that is not a number from 1 to 65535.
 */
export function parseHostPort(text: string, defaultPort: number): { host: string; port: number } | undefined {
  const bracketed = /^\[([^\]]+)\](?::(\d+))?$/.exec(text);
  if (bracketed !== null) return withPort(bracketed[1] ?? '', bracketed[2], defaultPort);
  // A bare IPv6 address has several colons and no port: a port after an IPv6 address needs brackets.
  if (text.split(':').length > 2) return { host: text, port: defaultPort };
  const [host = '', port] = text.split(':');
  return withPort(host, port, defaultPort);
}

function withPort(host: string, port: string | undefined, defaultPort: number): { host: string; port: number } | undefined {
  if (host === '') return undefined;
  if (port === undefined) return { host, port: defaultPort };
  if (!/^\d+$/.test(port)) return undefined;
  const value = Number(port);
  return value >= 1 && value <= 65_535 ? { host, port: value } : undefined;
}

/** `host:port`, with brackets around an IPv6 host. */
export function formatHostPort(host: string, port: number): string {
  return host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`;
}
