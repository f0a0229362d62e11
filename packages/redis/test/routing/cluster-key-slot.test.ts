import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import { keySlot } from '../../src/routing/hash-slot.js';
import { SLOT_VECTORS } from './slot-vectors.js';

// cluster-key-slot as ioredis itself loads it (a dependency of ioredis, not of ours): resolved from ioredis' own
// location, so this test follows whatever version the installed ioredis brings.
const fromIoredis = createRequire(createRequire(import.meta.url).resolve('ioredis'));
const clusterKeySlot = fromIoredis('cluster-key-slot') as (key: string | Buffer) => number;
const clusterKeySlotVersion = (fromIoredis('cluster-key-slot/package.json') as { version: string }).version;

/** Keys whose first `{` is followed at once by `}`: Redis hashes the whole key. */
const EMPTY_TAG_KEYS = new Set(['foo{}{bar}']);

describe('hash slots and the cluster-key-slot package', () => {
  // Regression: cluster-key-slot (1.1.1 and 1.1.2) skips an empty first `{}` and hashes the next `{...}` instead:
  // `foo{}{bar}` lands in 4015 (the slot of `{bar`), where Redis (CLUSTER KEYSLOT) and we put it in 8363. When this
  // fails because cluster-key-slot now answers 8363, it follows Redis and can replace our CRC16 in hash-slot.ts.
  it("cluster-key-slot, which ioredis uses, disagrees with Redis on an empty hash tag; our hash slot follows Redis", () => {
    for (const [key, slot] of SLOT_VECTORS) expect(keySlot(key), key).toBe(slot);
    expect(keySlot('foo{}{bar}')).toBe(8363);
    expect(clusterKeySlot('foo{}{bar}'), `cluster-key-slot ${clusterKeySlotVersion} now follows Redis: adopt it`).not.toBe(8363);
  });

  it('cluster-key-slot agrees with Redis on every other vector, Buffer keys included', () => {
    for (const [key, slot] of SLOT_VECTORS.filter(([key]) => !EMPTY_TAG_KEYS.has(key))) {
      expect(clusterKeySlot(key), key).toBe(slot);
      expect(clusterKeySlot(Buffer.from(key)), key).toBe(slot);
    }
  });
});
