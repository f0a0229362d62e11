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

describe('block time of blocking commands', () => {
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
