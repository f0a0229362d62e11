// The factory both programs share, unchanged: a generic-pool factory fits @pool/core as-is.
import { setTimeout as delay } from 'node:timers/promises';

/** A fake database connection: answers queries after a short delay, can be closed. */
class Connection {
  /** @param {number} id */
  constructor(id) {
    this.id = id;
    this.open = true;
    // A real connection holds a socket, which keeps Node running until it is closed; this timer stands in for it
    // (so a pool that forgot to close a connection would keep the program from exiting).
    this.socket = setInterval(() => {}, 60_000);
  }

  close() {
    this.open = false;
    clearInterval(this.socket);
  }

  /** @param {string} sql */
  async query(sql) {
    if (!this.open) throw new Error(`connection ${this.id} is closed`);
    await delay(5);
    return `${sql} -> ok`;
  }
}

/** create / destroy / validate, with the names and signatures generic-pool expects. */
export function connectionFactory() {
  let nextId = 1;
  return {
    async create() {
      await delay(5);
      return new Connection(nextId++);
    },
    async destroy(connection) {
      connection.close();
    },
    async validate(connection) {
      return connection.open;
    },
  };
}
