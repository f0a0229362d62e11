import { Deque } from './deque.js';
import type { Waiter } from './waiter.js';

/**
 * The FIFO of callers waiting for a resource. A waiter that gives up is only marked (`queued = false`) and stays as a
 * tombstone until it reaches the front, so removal is O(1) and the queue never searches.
 */
export class WaitQueue<T> {
  readonly #deque = new Deque<Waiter<T>>();
  #count = 0;

  /** Waiters still waiting (tombstones excluded). */
  get count(): number {
    return this.#count;
  }

  /** Adds a waiter at the back and starts its timer. */
  enqueue(waiter: Waiter<T>): void {
    waiter.queued = true;
    this.#count++;
    this.#deque.pushBack(waiter);
    waiter.startTimer();
  }

  /** Puts a waiter back at the front (its resource turned out invalid); its timer keeps running or starts. */
  requeueFront(waiter: Waiter<T>): void {
    waiter.queued = true;
    this.#count++;
    this.#deque.pushFront(waiter);
    waiter.startTimer();
  }

  /** Takes the oldest waiter still waiting out of the queue; tombstones on the way are dropped. */
  next(): Waiter<T> | undefined {
    while (this.#deque.length > 0) {
      const waiter = this.#deque.popFront() as Waiter<T>;
      if (waiter.queued) {
        this.remove(waiter);
        return waiter;
      }
    }
    return undefined;
  }

  /** Marks a waiter as no longer queued (it settled or is being served). O(1). */
  remove(waiter: Waiter<T>): void {
    if (!waiter.queued) return;
    waiter.queued = false;
    this.#count--;
  }

  /** The waiters still waiting, oldest first. Do not enqueue while iterating. */
  *[Symbol.iterator](): IterableIterator<Waiter<T>> {
    for (const waiter of this.#deque) if (waiter.queued) yield waiter;
  }

  /** Empties the queue and returns the waiters that were still waiting, oldest first. */
  drain(): Waiter<T>[] {
    const waiting = this.#deque.drain().filter((waiter) => waiter.queued);
    for (const waiter of waiting) this.remove(waiter);
    return waiting;
  }
}
