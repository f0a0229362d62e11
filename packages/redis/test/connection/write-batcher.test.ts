import { Command, type Redis } from 'ioredis';
import { describe, expect, it } from 'vitest';
import { WriteBatcher } from '../../src/connection/write-batcher.js';

/** Stands in for an ioredis connection: records what was written to it, answers nothing. */
function recordingConnection(name: string, log: string[]): Redis {
  return {
    sendCommand: (command: Command) => {
      log.push(`${name}:${command.name}`);
      return command.promise;
    },
  } as unknown as Redis;
}

describe('WriteBatcher', () => {
  it('holds the writes of one event-loop turn and then writes each on its own connection, in order', async () => {
    const log: string[] = [];
    const batcher = new WriteBatcher();
    const first = recordingConnection('a', log);
    const second = recordingConnection('b', log);
    void batcher.write(first, new Command('get', ['x']));
    void batcher.write(second, new Command('set', ['y', '1']));
    void batcher.write(first, new Command('incr', ['z']));
    expect(log).toEqual([]);
    await new Promise<void>((resolve) => setImmediate(resolve));
    expect(log).toEqual(['a:get', 'b:set', 'a:incr']);
  });

  it('returns the command promise, so the caller gets the reply', async () => {
    const batcher = new WriteBatcher();
    const command = new Command('ping', []);
    const reply = batcher.write(recordingConnection('a', []), command);
    command.resolve('PONG');
    await expect(reply).resolves.toBe('PONG');
  });
});
