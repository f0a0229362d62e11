import { describe, expect, it } from 'vitest';
import { WaitQueue, type QueueLinks } from '../src/wait-queue.js';
import { assertCoreBuilt, runNodeScript } from './support/child-node.js';

class Item implements QueueLinks<Item> {
  queuePrevious: Item | null = null;
  queueNext: Item | null = null;
  queued = false;
  constructor(readonly id: number) {}
}

function ids(queue: WaitQueue<Item>): number[] {
  return [...queue].map((item) => item.id);
}

describe('wait queue', () => {
  it('keeps FIFO order and unlinks an entry from the middle, front or back', () => {
    const queue = new WaitQueue<Item>();
    const items = [1, 2, 3, 4, 5].map((id) => new Item(id));
    for (const item of items) queue.pushBack(item);
    queue.remove(items[2] as Item);
    queue.remove(items[0] as Item);
    queue.remove(items[4] as Item);
    expect(ids(queue)).toEqual([2, 4]);
    expect(queue.count).toBe(2);
    expect(items[2]).toMatchObject({ queued: false, queuePrevious: null, queueNext: null });
    expect(queue.popFront()?.id).toBe(2);
    expect(queue.popFront()?.id).toBe(4);
    expect(queue.popFront()).toBeUndefined();
    expect(queue.count).toBe(0);
  });

  it('removing an entry twice, or one never queued, changes nothing', () => {
    const queue = new WaitQueue<Item>();
    const [a, b, stranger] = [new Item(1), new Item(2), new Item(3)];
    queue.pushBack(a);
    queue.pushBack(b);
    queue.remove(a);
    queue.remove(a);
    queue.remove(stranger);
    queue.pushBack(b); // already queued
    expect(ids(queue)).toEqual([2]);
    expect(queue.count).toBe(1);
  });

  it('pushFront puts an entry ahead of the others', () => {
    const queue = new WaitQueue<Item>();
    const [a, b, c] = [new Item(1), new Item(2), new Item(3)];
    queue.pushBack(a);
    queue.pushBack(b);
    queue.pushFront(c);
    expect(ids(queue)).toEqual([3, 1, 2]);
    expect(queue.drain().map((item) => item.id)).toEqual([3, 1, 2]);
    expect(queue.count).toBe(0);
    expect(queue.front).toBeNull();
  });

  it('iteration survives removal of the current entry', () => {
    const queue = new WaitQueue<Item>();
    for (let id = 1; id <= 4; id++) queue.pushBack(new Item(id));
    const seen: number[] = [];
    for (const item of queue) {
      seen.push(item.id);
      if (item.id % 2 === 1) queue.remove(item);
    }
    expect(seen).toEqual([1, 2, 3, 4]);
    expect(ids(queue)).toEqual([2, 4]);
  });
});

/** 50,000 callers who time out on a saturated pool, measured in a child process with `--expose-gc`. */
const TIMED_OUT_CALLERS_SCRIPT = `
import { createPool } from POOL_CORE;
const keepAlive = setInterval(() => {}, 1_000); // measures memory only, whatever keeps a pending acquire alive
const pool = createPool({ create: () => ({}), destroy: () => {} }, { size: 1 });
const held = await pool.acquire();
async function giveUp(count) {
  const outcomes = await Promise.allSettled(Array.from({ length: count }, () => pool.acquire({ timeoutMs: 5 })));
  return outcomes.filter((outcome) => outcome.status === 'rejected' && outcome.reason.code === 'ACQUIRE_TIMEOUT').length;
}
async function heapAfterGc() {
  for (let i = 0; i < 3; i++) {
    await new Promise((resolve) => setImmediate(resolve));
    globalThis.gc();
  }
  return process.memoryUsage().heapUsed;
}
await giveUp(2_000); // warm up: compiled code and the timer lists are not what is measured
const before = await heapAfterGc();
const timedOut = await giveUp(50_000);
const after = await heapAfterGc();
console.log(JSON.stringify({ timedOut, waiting: pool.stats().waiting, growth: after - before }));
await pool.release(held);
await pool.close();
clearInterval(keepAlive);
`;

describe('wait queue memory', () => {
  it('50,000 callers who timed out on a saturated pool leave the heap within 1 MB after GC', async () => {
    // Regression (issue 9, case 6): given-up waiters stayed in the queue as tombstones until the next release,
    // about 1 KB each (+51.6 MB here).
    assertCoreBuilt();
    const result = await runNodeScript('esm', TIMED_OUT_CALLERS_SCRIPT, { nodeArgs: ['--expose-gc'], timeoutMs: 25_000 });
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    const report = JSON.parse(result.stdout) as { timedOut: number; waiting: number; growth: number };
    expect(report.timedOut).toBe(50_000);
    expect(report.waiting).toBe(0);
    expect(report.growth).toBeLessThan(1024 * 1024);
  });
});
