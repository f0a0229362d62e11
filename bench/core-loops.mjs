// The measured worker loops of core.mjs and instructions.mjs. Every peer imports its own instance of this module
// (core-peers.mjs imports `core-loops.mjs?peer=<key>`, and a module URL that differs only in its query is a separate
// module), so each peer's loops are separate functions with their own type feedback: as monomorphic as the code an
// application would write for that one pool, though the text is written once. `left` is the operations counter all
// workers of a measurement share; `setLeft` starts a measurement.

let left = 0;

export function setLeft(ops) {
  left = ops;
}

/** For pools whose `acquire()` returns a promise of the resource (@pool/core, generic-pool, the free-list). */
export const loops = {
  release: async (pool) => {
    while (left > 0) {
      left--;
      const r = await pool.acquire();
      pool.release(r);
    }
  },
  awaitRelease: async (pool) => {
    while (left > 0) {
      left--;
      const r = await pool.acquire();
      await pool.release(r);
    }
  },
};

/** For tarn, whose `acquire()` returns a pending acquire with a `promise`. */
export const tarnLoops = {
  release: async (pool) => {
    while (left > 0) {
      left--;
      const r = await pool.acquire().promise;
      pool.release(r);
    }
  },
  awaitRelease: async (pool) => {
    while (left > 0) {
      left--;
      const r = await pool.acquire().promise;
      await pool.release(r);
    }
  },
};
