/**
 * Key → slot → bucket, exactly as Redis Cluster and pyredis' hash pool do it, so data placed by another client
 * using the same rule is found here.
 *
 * Why our own CRC16 and not `cluster-key-slot` (the package ioredis routes with): it does not do exactly the job.
 * Redis hashes the whole key when the first `{` is followed at once by `}`; cluster-key-slot 1.1.1 and 1.1.2 skip the
 * empty `{}` and hash the next `{...}` instead, so `foo{}{bar}` gets slot 4015 there and 8363 in Redis (CLUSTER
 * KEYSLOT) and here. A cluster pool routing such a key by it would pay a MOVED redirect on every call, and a hash
 * pool would look for it in another bucket than pyredis (or any client that follows Redis) put it.
 * test/routing/cluster-key-slot.test.ts fails once cluster-key-slot follows Redis; then it can replace the CRC16 and
 * hash-tag code here.
 */

/** How many hash slots Redis Cluster has. */
export const SLOT_COUNT = 16_384;

/** A key as a command carries it. */
export type RedisKey = string | Buffer | number;

/** CRC16-XMODEM (poly 0x1021, init 0, no reflection) as a table, built once. */
const CRC16_TABLE: Uint16Array = buildCrc16Table();

function buildCrc16Table(): Uint16Array {
  const table = new Uint16Array(256);
  for (let byte = 0; byte < 256; byte++) {
    let crc = byte << 8;
    for (let bit = 0; bit < 8; bit++) crc = crc & 0x8000 ? ((crc << 1) ^ 0x1021) & 0xffff : (crc << 1) & 0xffff;
    table[byte] = crc;
  }
  return table;
}

/**
 * CRC16-XMODEM of some bytes (the checksum Redis Cluster uses for slots).
 * @param bytes - the input; a string is taken as UTF-8.
 * @example
 * ```ts
 * crc16('123456789'); // 0x31c3
 * ```
 */
export function crc16(bytes: string | Uint8Array): number {
  const data = typeof bytes === 'string' ? Buffer.from(bytes, 'utf8') : bytes;
  let crc = 0;
  for (let index = 0; index < data.length; index++) {
    // The index is in range, so the table lookup is defined; `?? 0` only satisfies noUncheckedIndexedAccess.
    crc = ((crc << 8) ^ (CRC16_TABLE[((crc >>> 8) ^ (data[index] ?? 0)) & 0xff] ?? 0)) & 0xffff;
  }
  return crc;
}

/**
 * The part of a key that is hashed: the bytes inside the first `{...}` when that part is non-empty, else the whole
 * key (Redis Cluster's hash-tag rule: `{user1}.a` and `{user1}.b` share a slot; `{}x` hashes all of `{}x`).
 */
export function hashTag(key: Uint8Array): Uint8Array {
  const open = key.indexOf(0x7b); // '{'
  if (open === -1) return key;
  const close = key.indexOf(0x7d, open + 1); // '}'
  if (close === -1 || close === open + 1) return key;
  return key.subarray(open + 1, close);
}

/**
 * The Redis Cluster slot of a key: `crc16(hashTag(key)) % 16384`.
 * @param key - a string (UTF-8), a Buffer or a number (as Redis receives it, in decimal).
 * @example
 * ```ts
 * keySlot('foo'); // 12182
 * keySlot('{user1}.following') === keySlot('{user1}.followers'); // true
 * ```
 */
export function keySlot(key: RedisKey): number {
  return crc16(hashTag(keyBytes(key))) % SLOT_COUNT;
}

/**
 * The bucket a slot maps to in a hash pool of `bucketCount` buckets: `slot % bucketCount`.
 * @example
 * ```ts
 * slotBucket(keySlot('foo'), 3); // 12182 % 3 === 2
 * ```
 */
export function slotBucket(slot: number, bucketCount: number): number {
  return slot % bucketCount;
}

/** The bucket of a key in a hash pool of `bucketCount` buckets. */
export function keyBucket(key: RedisKey, bucketCount: number): number {
  return slotBucket(keySlot(key), bucketCount);
}

/** A key's bytes as Redis receives them. */
export function keyBytes(key: RedisKey): Uint8Array {
  if (typeof key === 'string') return Buffer.from(key, 'utf8');
  if (typeof key === 'number') return Buffer.from(String(key), 'utf8');
  return key;
}
