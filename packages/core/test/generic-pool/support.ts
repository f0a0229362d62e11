import { deferred, type Deferred } from '../support/test-factory.js';

/** A connection-like resource, as a generic-pool user's factory makes them. */
export interface Connection {
  readonly id: number;
  open: boolean;
}

/**
 * A generic-pool factory (create/destroy/validate, no signal) that records what the pool asked of it and can fail,
 * stall or refuse on demand.
 */
export class RecordingFactory {
  readonly created: Connection[] = [];
  readonly destroyed: Connection[] = [];
  readonly validated: Connection[] = [];
  /** Errors the next creates reject with, in order. */
  readonly createErrors: unknown[] = [];
  /** When set, each destroy waits for this promise (one that never settles models a stuck destroy). */
  destroyGate: Promise<void> | undefined = undefined;
  /** What validate answers. */
  valid: (connection: Connection) => boolean = (connection) => connection.open;
  createCalls = 0;
  #nextId = 0;

  async create(): Promise<Connection> {
    this.createCalls++;
    await Promise.resolve();
    if (this.createErrors.length > 0) throw this.createErrors.shift();
    const connection: Connection = { id: this.#nextId++, open: true };
    this.created.push(connection);
    return connection;
  }

  async destroy(connection: Connection): Promise<void> {
    this.destroyed.push(connection);
    if (this.destroyGate !== undefined) await this.destroyGate;
    connection.open = false;
  }

  async validate(connection: Connection): Promise<boolean> {
    this.validated.push(connection);
    return this.valid(connection);
  }
}

/** Resolves on the next emission of `event` by `emitter`. */
export function nextEvent(emitter: { once(event: string, listener: (value: unknown) => void): unknown }, event: string): Promise<unknown> {
  return new Promise((resolve) => {
    emitter.once(event, resolve);
  });
}

export { deferred, type Deferred };
