import commands from '@ioredis/commands';
import { keySlot, type RedisKey } from './hash-slot.js';

/**
 * Finds the keys of a command with ioredis' command table (`@ioredis/commands`, the same table ioredis' cluster
 * client routes by), so `GET k`, `MSET a 1 b 2`, `EVAL script 2 k1 k2 ...` and `XREAD ... STREAMS s1 s2 ...` all
 * yield their keys.
 *
 * @param command - the command name, any case (`'GET'`, `'mset'`).
 * @param args - the arguments after the name.
 * @returns the keys in argument order; empty for a keyless command (`PING`, `INFO`) and for a command the table
 *   does not know (a module command), which then needs an explicit target.
 * @example
 * ```ts
 * commandKeys('MSET', ['a', '1', 'b', '2']); // ['a', 'b']
 * ```
 */
export function commandKeys(command: string, args: readonly unknown[]): RedisKey[] {
  const name = command.toLowerCase();
  if (!commands.exists(name)) return [];
  const keyable: (string | Buffer | number)[] = [];
  for (const argument of args) {
    if (typeof argument === 'string' || typeof argument === 'number' || Buffer.isBuffer(argument)) keyable.push(argument);
    else keyable.push(String(argument));
  }
  const keys: RedisKey[] = [];
  for (const index of commands.getKeyIndexes(name, keyable)) {
    const key = keyable[index];
    if (key !== undefined) keys.push(key);
  }
  return keys;
}

/** A command's slots: one entry per distinct slot among its keys, in key order. */
export function commandSlots(command: string, args: readonly unknown[]): number[] {
  const slots: number[] = [];
  for (const key of commandKeys(command, args)) {
    const slot = keySlot(key);
    if (!slots.includes(slot)) slots.push(slot);
  }
  return slots;
}

/** Whether the command only reads, so it may go to a replica (`readFromReplicas`). Unknown commands do not. */
export function isReadOnlyCommand(command: string): boolean {
  const name = command.toLowerCase();
  return commands.exists(name) && commands.hasFlag(name, 'readonly');
}

/** The keys of several commands, in order: what a batch (`commands.multi()`, `pipeline()`) is routed by. */
export function batchKeys(commands: readonly { readonly name: string; readonly args: readonly unknown[] }[]): RedisKey[] {
  return commands.flatMap((command) => commandKeys(command.name, command.args));
}
