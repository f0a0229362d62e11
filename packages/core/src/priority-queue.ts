import { WaitQueue, type QueueLinks } from './wait-queue.js';

/** What the priority layer needs of an entry: the queue links, and the level it waits at. */
export interface PrioritizedLinks<E> extends QueueLinks<E> {
  /** Its level: 0 is served first. */
  readonly priority: number;
}

/**
 * The wait queue by priority: one FIFO {@link WaitQueue} per level, level 0 served first (generic-pool's
 * `priorityRange`). The same operations as a single queue; removal stays O(1), taking the next entry is O(levels).
 * A pool with one level uses a plain `WaitQueue`, so the common case pays nothing for priorities.
 */
export class PriorityWaitQueue<E extends PrioritizedLinks<E>> {
  readonly #levels: WaitQueue<E>[];
  #count = 0;

  /** @param levels - number of priority levels, >= 1 (validated with the pool's options). */
  constructor(levels: number) {
    this.#levels = Array.from({ length: levels }, () => new WaitQueue<E>());
  }

  /** Entries in the queue, all levels together. */
  get count(): number {
    return this.#count;
  }

  /** Adds an entry at the back of its level. Does nothing if it is already queued. */
  pushBack(entry: E): void {
    if (entry.queued) return;
    this.#count++;
    this.#level(entry).pushBack(entry);
  }

  /** Puts an entry at the front of its level (it was served, then sent back). Does nothing if it is already queued. */
  pushFront(entry: E): void {
    if (entry.queued) return;
    this.#count++;
    this.#level(entry).pushFront(entry);
  }

  /** Takes the oldest entry of the highest level that has one. */
  popFront(): E | undefined {
    for (const level of this.#levels) {
      const entry = level.popFront();
      if (entry !== undefined) {
        this.#count--;
        return entry;
      }
    }
    return undefined;
  }

  /** Unlinks an entry wherever it is. O(1); does nothing if it is not queued. */
  remove(entry: E): void {
    if (!entry.queued) return;
    this.#count--;
    this.#level(entry).remove(entry);
  }

  /** The entries in serving order: highest level first, oldest first within a level. The current one may be removed. */
  *[Symbol.iterator](): IterableIterator<E> {
    for (const level of this.#levels) yield* level;
  }

  /** Empties every level and returns the entries, in serving order. */
  drain(): E[] {
    this.#count = 0;
    return this.#levels.flatMap((level) => level.drain());
  }

  #level(entry: E): WaitQueue<E> {
    return this.#levels[entry.priority] as WaitQueue<E>;
  }
}
