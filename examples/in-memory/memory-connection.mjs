// A stand-in for a network connection, so the pool can be shown with no server: each connection talks to a Map
// shared by all of them (the "server"), and can break like a socket does.

/** One "connection" to an in-process key-value store. */
export class MemoryConnection {
  static #nextId = 1;
  /** Number shown in the output, so you can follow each connection. */
  id = MemoryConnection.#nextId++;
  /** True once the connection is closed or broke; a closed connection refuses commands. */
  closed = false;
  #store;

  /** @param {Map<string, string>} store */
  constructor(store) {
    this.#store = store;
  }

  /**
   * Runs a small subset of Redis commands against the store.
   * @param {string} name
   * @param {...string} args
   * @returns {Promise<string | number | null>}
   */
  async command(name, ...args) {
    if (this.closed) throw new Error(`connection #${this.id} is closed`);
    await Promise.resolve(); // A real connection answers asynchronously; so does this one.
    switch (name.toUpperCase()) {
      case 'PING':
        return 'PONG';
      case 'SET':
        this.#store.set(args[0], args[1]);
        return 'OK';
      case 'GET':
        return this.#store.get(args[0]) ?? null;
      case 'DEL':
        return args.filter((key) => this.#store.delete(key)).length;
      case 'INCR': {
        const next = Number(this.#store.get(args[0]) ?? '0') + 1;
        this.#store.set(args[0], String(next));
        return next;
      }
      default:
        throw new Error(`ERR unknown command '${name}'`);
    }
  }

  /** Simulates the peer dropping the connection (what a server restart or a network cut does). */
  breakNow() {
    this.closed = true;
  }

  /** Closes the connection. */
  close() {
    this.closed = true;
  }
}

/**
 * A `@pool/core` factory of {@link MemoryConnection}s: `validate` and `isBroken` look at `closed`, as a socket
 * factory looks at whether the socket is still open.
 * @param {Map<string, string>} [store]
 * @param {{ connectDelayMs?: number }} [options] how long a "connect" takes
 */
export function memoryConnectionFactory(store = new Map(), { connectDelayMs = 5 } = {}) {
  return {
    /** @returns {Promise<MemoryConnection>} */
    async create() {
      await new Promise((resolve) => setTimeout(resolve, connectDelayMs));
      return new MemoryConnection(store);
    },
    /** @param {MemoryConnection} connection */
    destroy(connection) {
      connection.close();
    },
    /** @param {MemoryConnection} connection */
    validate(connection) {
      return !connection.closed;
    },
    /** @param {MemoryConnection} connection */
    isBroken(connection) {
      return connection.closed;
    },
  };
}
