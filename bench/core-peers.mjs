// The pools core.mjs and instructions.mjs measure, written once: the bare free-list, and one object per peer saying
// how its pool of POOL_SIZE resources is opened, pre-warmed, acquired from, released to and closed, with its worker
// loops (core-loops.mjs, one instance per peer). @pool/core's `createPool` is a parameter, so instructions.mjs can
// measure another build of it (POOL_CORE_DIST).

import genericPool from 'generic-pool';
import { Pool as TarnPool } from 'tarn';
import { packageVersion } from './measure.mjs';

export const POOL_SIZE = 16;

let nextId = 0;
const create = async () => ({ id: nextId++ });
const destroy = async () => {};

/**
 * The limit: what a careful user writes by hand. A free array (LIFO) and a FIFO of resolvers on a power-of-two ring
 * buffer (no Array#shift), no timeouts, no validation, no accounting.
 */
export class FreeList {
  constructor(resources) {
    this.free = resources;
    this.ring = new Array(16);
    this.mask = 15;
    this.head = 0;
    this.length = 0;
  }

  acquire() {
    if (this.free.length > 0) return Promise.resolve(this.free.pop());
    return new Promise((resolve) => {
      if (this.length > this.mask) this.grow();
      this.ring[(this.head + this.length) & this.mask] = resolve;
      this.length++;
    });
  }

  release(resource) {
    if (this.length === 0) {
      this.free.push(resource);
      return;
    }
    const resolve = this.ring[this.head];
    this.ring[this.head] = undefined;
    this.head = (this.head + 1) & this.mask;
    this.length--;
    resolve(resource);
  }

  grow() {
    const next = new Array(this.ring.length * 2);
    for (let i = 0; i < this.length; i++) next[i] = this.ring[(this.head + i) & this.mask];
    this.ring = next;
    this.mask = next.length - 1;
    this.head = 0;
  }
}

/**
 * The peers by key: `{ key, name, open(), acquire(pool), release(pool, r), close(pool), loops, setLeft }`. `open()`
 * makes a pool whose resources do not exist yet (the free-list's do); `openWarm(peer)` also creates them. `loops` are
 * the measured `release` and `awaitRelease` worker loops, which run until the `setLeft(ops)` operations are used up.
 * `coreValidate` is @pool/core with a synchronous validate, as @pool/redis' factory has (every acquire is validated).
 */
export async function corePeers(createPool) {
  const core = await import('./core-loops.mjs?peer=core');
  const coreValidate = await import('./core-loops.mjs?peer=coreValidate');
  const generic = await import('./core-loops.mjs?peer=genericPool');
  const tarn = await import('./core-loops.mjs?peer=tarn');
  const freeList = await import('./core-loops.mjs?peer=freeList');
  const acquire = (pool) => pool.acquire();
  const release = (pool, r) => pool.release(r);
  return {
    core: {
      key: 'core',
      name: '@pool/core',
      open: () => createPool({ create, destroy }, { size: POOL_SIZE, acquireTimeoutMs: Infinity }),
      acquire,
      release,
      close: (pool) => pool.close(),
      loops: core.loops,
      setLeft: core.setLeft,
    },
    coreValidate: {
      key: 'coreValidate',
      name: '@pool/core with validate',
      open: () => createPool({ create, destroy, validate: () => true }, { size: POOL_SIZE, acquireTimeoutMs: Infinity }),
      acquire,
      release,
      close: (pool) => pool.close(),
      loops: coreValidate.loops,
      setLeft: coreValidate.setLeft,
    },
    genericPool: {
      key: 'genericPool',
      name: `generic-pool ${packageVersion('generic-pool')}`,
      open: () => genericPool.createPool({ create, destroy }, { max: POOL_SIZE, min: 0 }),
      acquire,
      release,
      close: async (pool) => {
        await pool.drain();
        await pool.clear();
      },
      loops: generic.loops,
      setLeft: generic.setLeft,
    },
    tarn: {
      key: 'tarn',
      name: `tarn ${packageVersion('tarn')}`,
      open: () => new TarnPool({ create, destroy, min: 0, max: POOL_SIZE }),
      acquire: (pool) => pool.acquire().promise,
      release: (pool, r) => {
        pool.release(r);
      },
      close: (pool) => pool.destroy(),
      loops: tarn.tarnLoops,
      setLeft: tarn.setLeft,
    },
    freeList: {
      key: 'freeList',
      name: 'bare free-list',
      open: () => new FreeList(Array.from({ length: POOL_SIZE }, () => ({ id: nextId++ }))),
      acquire,
      release,
      close: async () => {},
      loops: freeList.loops,
      setLeft: freeList.setLeft,
    },
  };
}

/** A fresh pool of `peer` whose POOL_SIZE resources already exist: all acquired at once, then released. */
export async function openWarm(peer) {
  const pool = peer.open();
  const held = await Promise.all(Array.from({ length: POOL_SIZE }, () => peer.acquire(pool)));
  for (const r of held) await peer.release(pool, r);
  return pool;
}
