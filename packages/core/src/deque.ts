/**
 * A double-ended queue on a power-of-two ring buffer: O(1) push and pop at both ends, no `Array#shift`.
 *
 * ```
 *   buffer (capacity 8, mask 7)
 *   [ . . c d e f . . ]
 *         ^head   ^tail = (head + length) & mask
 * ```
 * `head` is the first element; the buffer doubles when full and never shrinks below its initial capacity.
 */
export class Deque<T> {
  #buffer: (T | undefined)[];
  #mask: number;
  #head = 0;
  #length = 0;

  constructor(initialCapacity = 16) {
    let capacity = 4;
    while (capacity < initialCapacity) capacity *= 2;
    this.#buffer = new Array<T | undefined>(capacity);
    this.#mask = capacity - 1;
  }

  /** Number of elements. */
  get length(): number {
    return this.#length;
  }

  /** Appends at the back. */
  pushBack(item: T): void {
    if (this.#length > this.#mask) this.#grow();
    this.#buffer[(this.#head + this.#length) & this.#mask] = item;
    this.#length++;
  }

  /** Prepends at the front. */
  pushFront(item: T): void {
    if (this.#length > this.#mask) this.#grow();
    this.#head = (this.#head - 1) & this.#mask;
    this.#buffer[this.#head] = item;
    this.#length++;
  }

  /** Removes and returns the front element, or `undefined` when empty. */
  popFront(): T | undefined {
    if (this.#length === 0) return undefined;
    const item = this.#buffer[this.#head];
    this.#buffer[this.#head] = undefined;
    this.#head = (this.#head + 1) & this.#mask;
    this.#length--;
    return item;
  }

  /** Removes and returns the back element, or `undefined` when empty. */
  popBack(): T | undefined {
    if (this.#length === 0) return undefined;
    this.#length--;
    const index = (this.#head + this.#length) & this.#mask;
    const item = this.#buffer[index];
    this.#buffer[index] = undefined;
    return item;
  }

  /** Removes every element for which `predicate` is true, keeping the order of the rest. O(length). */
  removeWhere(predicate: (item: T) => boolean): T[] {
    const removed: T[] = [];
    const count = this.#length;
    for (let i = 0; i < count; i++) {
      const item = this.popFront() as T;
      if (predicate(item)) removed.push(item);
      else this.pushBack(item);
    }
    return removed;
  }

  /** Removes and returns every element, front to back. */
  drain(): T[] {
    const items: T[] = [];
    while (this.#length > 0) items.push(this.popFront() as T);
    return items;
  }

  /** Iterates front to back without removing. Do not mutate the deque while iterating. */
  *[Symbol.iterator](): IterableIterator<T> {
    for (let i = 0; i < this.#length; i++) yield this.#buffer[(this.#head + i) & this.#mask] as T;
  }

  #grow(): void {
    const capacity = this.#buffer.length;
    const next = new Array<T | undefined>(capacity * 2);
    for (let i = 0; i < this.#length; i++) next[i] = this.#buffer[(this.#head + i) & this.#mask];
    this.#buffer = next;
    this.#mask = capacity * 2 - 1;
    this.#head = 0;
  }
}
