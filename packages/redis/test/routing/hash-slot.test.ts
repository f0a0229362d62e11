import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { commandKeys, commandSlots } from '../../src/routing/command-keys.js';
import { crc16, hashTag, keyBucket, keySlot, slotBucket } from '../../src/routing/hash-slot.js';
import { startCluster, type TestCluster } from '../support/cluster.js';
import { SLOT_VECTORS } from './slot-vectors.js';

describe('crc16 and key slots', () => {
  it('crc16 of "123456789" is the XMODEM check value 0x31C3', () => {
    expect(crc16('123456789')).toBe(0x31c3);
    expect(crc16(Buffer.from('123456789'))).toBe(0x31c3);
  });

  it.each(SLOT_VECTORS)('key %j is in slot %i', (key, slot) => {
    expect(keySlot(key)).toBe(slot);
  });

  it('a key hashes only the part inside the first non-empty braces', () => {
    expect(Buffer.from(hashTag(Buffer.from('a{tag}b'))).toString()).toBe('tag');
    expect(Buffer.from(hashTag(Buffer.from('a{}b{tag}'))).toString()).toBe('a{}b{tag}');
    expect(Buffer.from(hashTag(Buffer.from('a{tag'))).toString()).toBe('a{tag');
    expect(keySlot('x{user}y')).toBe(keySlot('user'));
  });

  it('a Buffer key, its UTF-8 string and a number key as decimal text share a slot', () => {
    expect(keySlot(Buffer.from('héllo'))).toBe(keySlot('héllo'));
    expect(keySlot(42)).toBe(keySlot('42'));
  });

  it('slot s goes to bucket s % n', () => {
    expect(slotBucket(12182, 3)).toBe(2);
    expect(slotBucket(5061, 2)).toBe(1);
    expect(keyBucket('foo', 3)).toBe(12182 % 3);
    expect(keyBucket('{user1000}.following', 5)).toBe(3443 % 5);
  });
});

describe('command keys', () => {
  it.each([
    ['GET', ['k'], ['k']],
    ['mset', ['a', '1', 'b', '2'], ['a', 'b']],
    ['EVAL', ['return 1', '2', 'x', 'y', 'arg'], ['x', 'y']],
    ['XREAD', ['COUNT', '1', 'STREAMS', 's1', 's2', '0', '0'], ['s1', 's2']],
    ['PING', [], []],
    ['NOT.A.COMMAND', ['k'], []],
  ] as const)('%s %j has keys %j', (command, args, keys) => {
    expect(commandKeys(command, args)).toEqual(keys);
  });

  it('a multi-key command has one slot per distinct slot of its keys', () => {
    expect(commandSlots('MGET', ['{t}a', '{t}b'])).toEqual([keySlot('t')]);
    expect(commandSlots('MGET', ['foo', 'bar'])).toEqual([12182, 5061]);
  });
});

describe('key slots against a real Redis Cluster', () => {
  let cluster: TestCluster;

  beforeAll(async () => {
    cluster = await startCluster({ masters: 3, replicasPerMaster: 0 });
  });

  afterAll(async () => {
    await cluster?.stop();
  });

  it('keySlot agrees with CLUSTER KEYSLOT for fixed and random keys', async () => {
    const connection = cluster.node(cluster.seeds[0] ?? '');
    const keys = SLOT_VECTORS.map(([key]) => key);
    for (let index = 0; index < 200; index++) keys.push(`key:${index}:${Math.random().toString(36).slice(2)}`);
    keys.push('ünïcödé{tåg}', '{a}{b}', 'x}{y');
    for (const key of keys) {
      expect(keySlot(key), key).toBe(Number(await connection.call('CLUSTER', 'KEYSLOT', key)));
    }
  });
});
