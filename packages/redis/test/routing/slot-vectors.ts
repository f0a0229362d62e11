/**
 * Fixed vectors: the CRC16-XMODEM check value, and slots as Redis Cluster (CLUSTER KEYSLOT) computes them. A real
 * cluster checks every one in hash-slot.test.ts.
 */
export const SLOT_VECTORS: ReadonlyArray<readonly [string, number]> = [
  ['foo', 12182],
  ['bar', 5061],
  ['hello', 866],
  ['123456789', 0x31c3 % 16384],
  ['{user1000}.following', 3443],
  ['{user1000}.followers', 3443],
  ['user1000', 3443],
  // An empty first hash tag: Redis hashes the whole key (the rule cluster-key-slot 1.1.x does not follow).
  ['foo{}{bar}', 8363],
  ['foo{{bar}}zap', 4015],
  ['foo{bar}{zap}', 5061],
  ['{}', 15257],
  ['', 0],
];
