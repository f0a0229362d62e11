import commands from '@ioredis/commands';
import { describe, expect, it } from 'vitest';
import { blockTimeMs, commandClass, isShareable } from '@pool/redis';

describe('command table', () => {
  it.each(['GET', 'set', 'HGETALL', 'EVAL', 'PUBLISH', 'INCR', 'XADD', 'SCAN', 'PING'])('%s is shared', (command) => {
    expect(commandClass(command)).toBe('shared');
    expect(isShareable(command)).toBe(true);
  });

  it.each(['BLPOP', 'BRPOP', 'BRPOPLPUSH', 'BLMOVE', 'BLMPOP', 'BZPOPMIN', 'BZPOPMAX', 'BZMPOP', 'XREAD', 'XREADGROUP', 'WAIT', 'WAITAOF'])(
    '%s is blocking and takes an exclusive connection',
    (command) => {
      expect(commandClass(command.toLowerCase())).toBe('blocking');
      expect(isShareable(command)).toBe(false);
    },
  );

  it.each(['MULTI', 'EXEC', 'DISCARD', 'WATCH', 'UNWATCH'])('%s is a transaction command and takes an exclusive connection', (command) => {
    expect(commandClass(command)).toBe('transaction');
    expect(isShareable(command)).toBe(false);
  });

  it.each(['SELECT', 'AUTH', 'HELLO', 'CLIENT', 'RESET', 'READONLY', 'READWRITE'])('%s changes connection state and takes an exclusive connection', (command) => {
    expect(commandClass(command)).toBe('connection-state');
    expect(isShareable(command)).toBe(false);
  });

  it.each(['SUBSCRIBE', 'PSUBSCRIBE', 'SSUBSCRIBE', 'UNSUBSCRIBE', 'PUNSUBSCRIBE', 'MONITOR', 'QUIT'])('%s is a subscriber/connection-ending command and takes an exclusive connection', (command) => {
    expect(commandClass(command)).toBe('subscriber');
    expect(isShareable(command)).toBe(false);
  });
});

describe('command table from @ioredis/commands, with the pool\'s policy on top', () => {
  // Redis 8.10/8.12 commands, newer than the hand-written table this replaced: classed by their flags, no code change.
  it.each(['BZMOVE', 'BLMOVEM'])('%s, which no list in the pool names, is blocking by its Redis flag', (command) => {
    expect(commands.hasFlag(command.toLowerCase(), 'blocking')).toBe(true);
    expect(commandClass(command)).toBe('blocking');
    expect(isShareable(command)).toBe(false);
  });

  it.each(['SEXPIRE', 'ZMOVE', 'XACKDEL'])('%s, a newer plain command, is shared', (command) => {
    expect(commands.exists(command.toLowerCase())).toBe(true);
    expect(commandClass(command)).toBe('shared');
  });

  it('classes every command Redis flags blocking as blocking, and every pubsub command but the publishes as subscriber', () => {
    for (const name of commands.list) {
      if (commands.hasFlag(name, 'blocking')) expect({ name, kind: commandClass(name) }).toEqual({ name, kind: 'blocking' });
      else if (commands.hasFlag(name, 'pubsub')) {
        expect({ name, kind: commandClass(name) }).toEqual({ name, kind: name.endsWith('publish') ? 'shared' : 'subscriber' });
      }
    }
  });

  it('classes a command the table does not know (a module\'s) as shared, and an object-property name too', () => {
    for (const command of ['FT.SEARCH', 'JSON.GET', 'constructor', '__proto__', 'toString']) expect(commandClass(command)).toBe('shared');
  });

  it('gives the same class whatever the case of the name', () => {
    for (const command of ['BzMove', 'multi', 'Subscribe', 'sElEcT', 'get']) {
      expect(commandClass(command)).toBe(commandClass(command.toUpperCase()));
    }
  });
});

describe('block time of blocking commands', () => {
  it('gives a blocking command whose timeout argument the pool does not know no read timeout cut (Infinity)', () => {
    expect(blockTimeMs('BZMOVE', ['src', 'dst', 'MIN', 5])).toBe(Infinity);
  });

  it('reads BLPOP seconds from the last argument', () => {
    expect(blockTimeMs('BLPOP', ['a', 'b', 2.5])).toBe(2500);
  });

  it('treats a timeout of 0 as forever', () => {
    expect(blockTimeMs('brpop', ['a', '0'])).toBe(Infinity);
  });

  it('reads BLMPOP seconds from the first argument', () => {
    expect(blockTimeMs('BLMPOP', [3, 1, 'list', 'LEFT'])).toBe(3000);
  });

  it('reads XREAD BLOCK milliseconds and ignores XREAD without BLOCK', () => {
    expect(blockTimeMs('XREAD', ['COUNT', 1, 'BLOCK', 1500, 'STREAMS', 's', '$'])).toBe(1500);
    expect(blockTimeMs('XREAD', ['STREAMS', 's', '0'])).toBe(0);
  });

  it('reads WAIT milliseconds from the last argument', () => {
    expect(blockTimeMs('WAIT', [1, 250])).toBe(250);
  });

  it('gives non-blocking commands no block time', () => {
    expect(blockTimeMs('GET', ['k'])).toBe(0);
  });
});
