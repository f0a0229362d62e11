/**
 * What the wait queue needs of an entry: its own links, so that it can be unlinked in O(1) without a search and
 * without a node allocated per entry (the links live on the entry, as node-redis keeps its tasks).
 */
export interface QueueLinks<E> {
  /** The entry ahead of it; `null` at the front or out of the queue. */
  queuePrevious: E | null;
  /** The entry behind it; `null` at the back or out of the queue. */
  queueNext: E | null;
  /** True while it is in a queue. */
  queued: boolean;
}

/**
 * The FIFO of callers waiting for a resource: a doubly linked list threaded through the waiters themselves.
 * Enqueue, dequeue and the removal of a caller who gave up are all O(1), and a removed caller is unlinked at once, so
 * nothing keeps its memory alive (a saturated pool's memory does not grow with callers who already left).
 *
 * ```
 *   #front ─► w1 ⇄ w2 ⇄ w3 ◄─ #back        remove(w2):  w1 ⇄ w3, w2's links cleared
 * ```
 *
 * A priority layer can keep one queue per level and look at the levels in order.
 */
export class WaitQueue<E extends QueueLinks<E>> {
  #front: E | null = null;
  #back: E | null = null;
  #count = 0;

  /** Entries in the queue. */
  get count(): number {
    return this.#count;
  }

  /** The oldest entry, without removing it. */
  get front(): E | null {
    return this.#front;
  }

  /** Adds an entry at the back. Does nothing if it is already queued. */
  pushBack(entry: E): void {
    if (entry.queued) return;
    entry.queued = true;
    entry.queuePrevious = this.#back;
    entry.queueNext = null;
    if (this.#back === null) this.#front = entry;
    else this.#back.queueNext = entry;
    this.#back = entry;
    this.#count++;
  }

  /** Puts an entry at the front (it was served, then sent back). Does nothing if it is already queued. */
  pushFront(entry: E): void {
    if (entry.queued) return;
    entry.queued = true;
    entry.queuePrevious = null;
    entry.queueNext = this.#front;
    if (this.#front === null) this.#back = entry;
    else this.#front.queuePrevious = entry;
    this.#front = entry;
    this.#count++;
  }

  /** Takes the oldest entry out of the queue. */
  popFront(): E | undefined {
    const entry = this.#front;
    if (entry === null) return undefined;
    this.remove(entry);
    return entry;
  }

  /** Unlinks an entry wherever it is. O(1); does nothing if it is not queued. */
  remove(entry: E): void {
    if (!entry.queued) return;
    const { queuePrevious: previous, queueNext: next } = entry;
    if (previous === null) this.#front = next;
    else previous.queueNext = next;
    if (next === null) this.#back = previous;
    else next.queuePrevious = previous;
    entry.queuePrevious = null;
    entry.queueNext = null;
    entry.queued = false;
    this.#count--;
  }

  /** The entries, oldest first. The current entry may be removed while iterating; others may not. */
  *[Symbol.iterator](): IterableIterator<E> {
    let entry = this.#front;
    while (entry !== null) {
      const next = entry.queueNext;
      yield entry;
      entry = next;
    }
  }

  /** Empties the queue and returns its entries, oldest first. */
  drain(): E[] {
    const entries: E[] = [];
    for (let entry = this.popFront(); entry !== undefined; entry = this.popFront()) entries.push(entry);
    return entries;
  }
}
