import { CreateOperation } from './create-operation.js';
import type { Waiter } from './waiter.js';

/**
 * The creates that hold a slot of the pool. Each may be owned by the waiter it was started for; a create whose owner
 * was served elsewhere or gave up becomes unowned, and the next waiter without a create adopts it.
 */
export class CreateSlots<T> {
  readonly #running = new Set<CreateOperation<Waiter<T>>>();
  readonly #unowned = new Set<CreateOperation<Waiter<T>>>();

  /** Creates holding a slot. */
  get count(): number {
    return this.#running.size;
  }

  /** Creates holding a slot that some waiter owns. */
  get ownedCount(): number {
    return this.#running.size - this.#unowned.size;
  }

  /** Creates holding a slot that no waiter owns. */
  get unownedCount(): number {
    return this.#unowned.size;
  }

  /** Reserves a slot for a new create, owned by `owner` when given. */
  start(generation: number, owner: Waiter<T> | null): CreateOperation<Waiter<T>> {
    const create = new CreateOperation<Waiter<T>>(generation);
    this.#running.add(create);
    if (owner === null) this.#unowned.add(create);
    else link(create, owner);
    return create;
  }

  /** Frees the create's slot (it settled, timed out or was cancelled). Returns whether it still held one. */
  end(create: CreateOperation<Waiter<T>>): boolean {
    if (create.timer !== undefined) clearTimeout(create.timer);
    create.abandoned = true;
    this.#unowned.delete(create);
    return this.#running.delete(create);
  }

  /** Cuts the link between a waiter and its create; the create keeps its slot, unowned. */
  unlink(waiter: Waiter<T>): void {
    const create = waiter.create;
    if (create === null) return;
    waiter.create = null;
    create.owner = null;
    if (!create.abandoned) this.#unowned.add(create);
  }

  /** Gives an unowned running create to `waiter`. Returns false when there is none. */
  adopt(waiter: Waiter<T>): boolean {
    for (const create of this.#unowned) {
      this.#unowned.delete(create);
      link(create, waiter);
      return true;
    }
    return false;
  }

  /** A copy of the running creates, newest last. */
  list(): CreateOperation<Waiter<T>>[] {
    return [...this.#running];
  }
}

function link<T>(create: CreateOperation<Waiter<T>>, waiter: Waiter<T>): void {
  create.owner = waiter;
  waiter.create = create;
}
