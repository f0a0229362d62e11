import { describe, expect, it } from 'vitest';
import { AcquireTimeoutError, PoolError, TimeoutError, createPool } from '@pool/core/generic-pool';
import { RecordingFactory, deferred, type Connection } from './support.js';

describe('generic-pool acquire and release', () => {
  it('counts size, available, borrowed, pending and spareResourceCapacity as generic-pool does', async () => {
    const pool = createPool(new RecordingFactory(), { max: 2 });
    expect([pool.size, pool.available, pool.borrowed, pool.pending, pool.spareResourceCapacity]).toEqual([0, 0, 0, 0, 2]);
    const first = await pool.acquire();
    const second = await pool.acquire();
    expect([pool.size, pool.available, pool.borrowed, pool.spareResourceCapacity]).toEqual([2, 0, 2, 0]);
    const third = pool.acquire();
    expect(pool.pending).toBe(1);
    await pool.release(first);
    expect(await third).toBe(first);
    expect(pool.pending).toBe(0);
    await pool.release(first);
    await pool.release(second);
    expect([pool.size, pool.available, pool.borrowed]).toEqual([2, 2, 0]);
    await pool.drain();
    await pool.clear();
  });

  it('a caller waits without limit by default and is served by the next release', async () => {
    const pool = createPool(new RecordingFactory());
    const held = await pool.acquire();
    const waiting = pool.acquire();
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(pool.pending).toBe(1);
    await pool.release(held);
    expect(await waiting).toBe(held);
    await pool.release(held);
    await pool.drain();
  });

  it('acquireTimeoutMillis rejects with TimeoutError, which is also an ACQUIRE_TIMEOUT AcquireTimeoutError', async () => {
    const pool = createPool(new RecordingFactory(), { acquireTimeoutMillis: 20 });
    const held = await pool.acquire();
    const error = await pool.acquire().catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(TimeoutError);
    expect(error).toBeInstanceOf(AcquireTimeoutError);
    expect(error).toMatchObject({ name: 'TimeoutError', code: 'ACQUIRE_TIMEOUT' });
    expect(String(error)).toMatch(/ResourceRequest timed out/);
    expect(pool.pending).toBe(0);
    await pool.release(held);
    await pool.drain();
  });

  it('serves higher priorities first (0 highest); an out-of-range priority counts as the lowest', async () => {
    const pool = createPool(new RecordingFactory(), { max: 1, priorityRange: 3 });
    const held = await pool.acquire();
    const order: string[] = [];
    const take = (name: string, priority: number) =>
      pool.acquire(priority).then((connection) => {
        order.push(name);
        return pool.release(connection);
      });
    const all = [take('beyond-range', 9), take('lowest', 2), take('highest', 0), take('middle', 1), take('default', Number.NaN)];
    await pool.release(held);
    await Promise.all(all);
    expect(order).toEqual(['highest', 'default', 'middle', 'beyond-range', 'lowest']);
    await pool.drain();
  });

  it('release of a resource not borrowed rejects with generic-pool\'s message and a RELEASE_INVALID code', async () => {
    const pool = createPool(new RecordingFactory(), { max: 1 });
    const held = await pool.acquire();
    const error = await pool.release({ id: 99, open: true }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(PoolError);
    expect(error).toMatchObject({ code: 'RELEASE_INVALID', message: 'Resource not currently part of this pool' });
    expect([pool.available, pool.borrowed]).toEqual([0, 1]);
    expect(pool.isBorrowedResource(held)).toBe(true);
    await pool.release(held);
    expect(pool.isBorrowedResource(held)).toBe(false);
    await expect(pool.release(held)).rejects.toMatchObject({ code: 'RELEASE_INVALID' });
    await pool.drain();
  });

  it('maxWaitingClients refuses the caller beyond it with "max waitingClients count exceeded"', async () => {
    const pool = createPool(new RecordingFactory(), { max: 1, maxWaitingClients: 1 });
    const held = await pool.acquire();
    const queued = pool.acquire();
    await expect(pool.acquire()).rejects.toMatchObject({ code: 'QUEUE_FULL', message: 'max waitingClients count exceeded' });
    await pool.release(held);
    await pool.release(await queued);
    await pool.drain();
  });

  it('destroy(resource) destroys a borrowed resource and a waiting caller gets a new one', async () => {
    const factory = new RecordingFactory();
    const pool = createPool(factory, { max: 1 });
    const held = await pool.acquire();
    const waiting = pool.acquire();
    await pool.destroy(held);
    const next = await waiting;
    expect(next).not.toBe(held);
    expect(factory.destroyed).toEqual([held]);
    await pool.release(next);
    await pool.drain();
  });

  it('fifo (the default) hands out the idle resource released longest ago; fifo: false the latest', async () => {
    for (const [fifo, expected] of [
      [true, [0, 1]],
      [false, [1, 0]],
    ] as const) {
      const pool = createPool(new RecordingFactory(), { max: 2, fifo });
      const a = await pool.acquire();
      const b = await pool.acquire();
      await pool.release(a);
      await pool.release(b);
      const taken = [await pool.acquire(), await pool.acquire()];
      expect(taken.map((connection) => connection.id)).toEqual(expected);
      await Promise.all(taken.map((connection) => pool.release(connection)));
      await pool.drain();
    }
  });

  it('testOnBorrow validates an idle resource before handing it out and replaces an invalid one', async () => {
    const factory = new RecordingFactory();
    const pool = createPool(factory, { max: 1, testOnBorrow: true });
    const first = await pool.acquire();
    await pool.release(first);
    first.open = false;
    const second = await pool.acquire();
    expect(second).not.toBe(first);
    expect(factory.validated).toEqual([first]);
    expect(factory.destroyed).toEqual([first]);
    await pool.release(second);
    await pool.drain();
  });

  it('without testOnBorrow, validate is never called', async () => {
    const factory = new RecordingFactory();
    const pool = createPool(factory, { max: 1 });
    await pool.release(await pool.acquire());
    await pool.release(await pool.acquire());
    expect(factory.validated).toEqual([]);
    await pool.drain();
  });

  it('testOnReturn validates on release and destroys an invalid resource', async () => {
    const factory = new RecordingFactory();
    const pool = createPool(factory, { max: 1, testOnReturn: true });
    const connection = await pool.acquire();
    connection.open = false;
    await pool.release(connection);
    expect(factory.validated).toEqual([connection]);
    expect(factory.destroyed).toEqual([connection]);
    expect([pool.size, pool.available]).toEqual([0, 0]);
    await pool.drain();
  });

  it('use() releases after fn resolves and destroys the resource when fn rejects', async () => {
    const factory = new RecordingFactory();
    const pool = createPool(factory, { max: 1 });
    expect(await pool.use((connection: Connection) => Promise.resolve(connection.id + 41))).toBe(41);
    expect([pool.available, pool.borrowed]).toEqual([1, 0]);
    const failure = new Error('query failed');
    await expect(pool.use(() => Promise.reject(failure))).rejects.toBe(failure);
    expect(factory.destroyed.map((connection) => connection.id)).toEqual([0]);
    expect([pool.size, pool.borrowed]).toEqual([0, 0]);
    await pool.drain();
  });

  it('ready() resolves once min resources are available', async () => {
    const pool = createPool(new RecordingFactory(), { min: 3, max: 5 });
    await pool.ready();
    expect(pool.available).toBeGreaterThanOrEqual(3);
    await pool.drain();
  });
});

describe('generic-pool autostart and start()', () => {
  it('with autostart: false nothing is created and no eviction is scheduled until the first acquire', async () => {
    const factory = new RecordingFactory();
    const pool = createPool(factory, { min: 1, autostart: false });
    expect(pool._scheduledEviction).toBeNull();
    await new Promise((resolve) => setTimeout(resolve, 10));
    expect(factory.createCalls).toBe(0);
    const ready = pool.ready();
    const connection = await pool.acquire();
    expect(pool._scheduledEviction).not.toBeNull();
    await pool.release(connection);
    await ready;
    await pool.drain();
    expect(pool._scheduledEviction).toBeNull();
  });

  it('start() creates min resources; calling it again does nothing', async () => {
    const factory = new RecordingFactory();
    const pool = createPool(factory, { min: 2, max: 2, autostart: false });
    pool.start();
    pool.start();
    await pool.ready();
    expect(factory.createCalls).toBe(2);
    await pool.drain();
  });
});

describe('generic-pool drain and clear', () => {
  it('drain() serves the callers already queued, refuses new ones, and resolves when all came back and are destroyed', async () => {
    const factory = new RecordingFactory();
    const pool = createPool(factory, { max: 1 });
    const held = await pool.acquire();
    const queued = [pool.acquire(), pool.acquire()];
    const drained = pool.drain();
    await expect(pool.acquire()).rejects.toMatchObject({ code: 'POOL_CLOSED', message: 'pool is draining and cannot accept work' });
    await pool.release(held);
    for (const request of queued) await pool.release(await request);
    await drained;
    expect(await pool.clear()).toBeUndefined();
    expect(factory.destroyed).toHaveLength(factory.created.length);
    expect(pool.size).toBe(0);
  });

  it('clear() waits for creates in flight and destroys what they return', async () => {
    const factory = new RecordingFactory();
    const gate = deferred<void>();
    const create = factory.create.bind(factory);
    factory.create = async () => {
      await gate.promise;
      return create();
    };
    const pool = createPool(factory, { min: 2, max: 2 });
    const drained = pool.drain();
    const cleared = pool.clear();
    gate.resolve();
    await Promise.all([drained, cleared]);
    expect(factory.created.length).toBe(factory.destroyed.length);
  });
});
