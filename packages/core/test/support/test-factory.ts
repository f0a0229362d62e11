/** A resource made by {@link TestFactory}: a numbered object that can be broken on purpose. */
export interface TestResource {
  readonly id: number;
  broken: boolean;
  alive: boolean;
}

/** A promise with its resolve/reject exposed, so tests decide when a factory call finishes. */
export interface Deferred<T> {
  readonly promise: Promise<T>;
  resolve(value: T): void;
  reject(error: unknown): void;
}

/** Makes a {@link Deferred}. */
export function deferred<T>(): Deferred<T> {
  let resolve!: (value: T) => void;
  let reject!: (error: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

/**
 * An in-memory factory that records every create and destroy, can fail or stall creates on demand, and checks that
 * nothing is destroyed twice.
 */
export class TestFactory {
  readonly created: TestResource[] = [];
  readonly destroyed: TestResource[] = [];
  /** Each create waits for the next gate in this list, when there is one. */
  readonly createGates: Deferred<void>[] = [];
  /** Errors thrown by the next creates, in order. */
  readonly createErrors: unknown[] = [];
  /** Set to make every idle resource's validation answer this. */
  validation: ((resource: TestResource) => boolean | Promise<boolean>) | undefined = undefined;
  destroyError: unknown = undefined;
  signals: AbortSignal[] = [];
  #nextId = 1;

  async create(signal?: AbortSignal): Promise<TestResource> {
    if (signal !== undefined) this.signals.push(signal);
    const gate = this.createGates.shift();
    if (gate !== undefined) await gate.promise;
    if (this.createErrors.length > 0) throw this.createErrors.shift();
    const resource: TestResource = { id: this.#nextId++, broken: false, alive: true };
    this.created.push(resource);
    return resource;
  }

  async destroy(resource: TestResource): Promise<void> {
    if (!resource.alive) throw new Error(`resource ${resource.id} destroyed twice`);
    resource.alive = false;
    this.destroyed.push(resource);
    if (this.destroyError !== undefined) throw this.destroyError;
  }

  isBroken(resource: TestResource): boolean {
    return resource.broken;
  }
}

/** Lets every pending promise callback run. */
export async function flush(rounds = 10): Promise<void> {
  for (let i = 0; i < rounds; i++) await new Promise<void>((resolve) => setImmediate(resolve));
}
