// The soak's callers: each loops over INCR (on one of a fixed set of counters) and GET until told to stop, and every
// call is recorded: start, end, outcome, error code, and for a failed INCR whether it may have run (`sent`).

import { PoolError } from '../../core/dist/index.mjs';
import { RedisPoolError } from '../dist/index.mjs';

/** Counters the INCRs spread over; the integrity check reads each back from the server. */
export const COUNTERS = 64;

export class Ledger {
  constructor(prefix) {
    this.prefix = prefix;
    this.calls = 0;
    this.successes = 0;
    /** Failures by `code` (untyped ones under `untyped`). */
    this.failuresByCode = new Map();
    /** Messages of failures that were not a typed pool error. */
    this.untyped = [];
    /** Per counter: acknowledged INCRs, and failed ones that may have run (sent true or unknown). */
    this.acknowledged = new Array(COUNTERS).fill(0);
    this.mayHaveRun = new Array(COUNTERS).fill(0);
    /** Per counter: failed INCRs that surely never reached the server (sent false). */
    this.neverSent = new Array(COUNTERS).fill(0);
    /** End times of successful calls, in order (for recovery per fault). */
    this.successEnds = [];
    /** Failures as [start, end, code], for the "after healing" and "healthy wait" checks. */
    this.failures = [];
    this.longestCallMs = 0;
    this.inFlight = 0;
  }

  key(counter) {
    return `${this.prefix}:counter:${counter}`;
  }

  record(start, end, error) {
    this.calls++;
    this.longestCallMs = Math.max(this.longestCallMs, end - start);
    if (error === undefined) {
      this.successes++;
      this.successEnds.push(end);
      return;
    }
    const typed = (error instanceof RedisPoolError || error instanceof PoolError) && typeof error.code === 'string';
    const code = typed ? error.code : 'untyped';
    if (!typed && this.untyped.length < 20) this.untyped.push(String(error?.stack ?? error));
    this.failuresByCode.set(code, (this.failuresByCode.get(code) ?? 0) + 1);
    this.failures.push([start, end, code]);
  }
}

/** Pool errors of a caller that never got a connection: its command was never sent. */
const ACQUIRE_CODES = new Set(['POOL_EXHAUSTED', 'POOL_CLOSED', 'ACQUIRE_TIMEOUT', 'ACQUIRE_ABORTED', 'QUEUE_FULL', 'CREATE_FAILED', 'CREATE_TIMEOUT']);

/**
 * Whether a failed INCR surely did not change its counter: the error says it was not sent, it never got a
 * connection, or the server refused it (an error reply, such as LOADING). Anything else may have run.
 */
function surelyNotApplied(error) {
  if (typeof error?.sent === 'boolean') return !error.sent;
  return ACQUIRE_CODES.has(error?.code) || error?.code === 'REDIS_REPLY';
}

/**
 * Starts `count` caller loops on `redis`; `stop()` asks them to finish their current call and resolves when all did,
 * or after `boundMs` with the number still running (calls that never settled: unbounded).
 */
export function startCallers(redis, ledger, count) {
  let stopped = false;
  const loop = async (caller) => {
    for (let round = 0; !stopped; round++) {
      const counter = (caller * 7 + round) % COUNTERS;
      const isIncr = round % 3 !== 2;
      const start = performance.now();
      ledger.inFlight++;
      try {
        if (isIncr) {
          await redis.execute('INCR', ledger.key(counter));
          ledger.acknowledged[counter]++;
        } else {
          await redis.execute('GET', ledger.key(counter));
        }
        ledger.record(start, performance.now(), undefined);
      } catch (error) {
        if (isIncr) {
          if (surelyNotApplied(error)) ledger.neverSent[counter]++;
          else ledger.mayHaveRun[counter]++;
        }
        ledger.record(start, performance.now(), error);
        // A pool error that comes back at once (POOL_EXHAUSTED) must not turn the loop into a microtask spin.
        if (performance.now() - start < 1) await new Promise((resolve) => setImmediate(resolve));
      } finally {
        ledger.inFlight--;
      }
    }
  };
  const loops = Array.from({ length: count }, (_, caller) => loop(caller));
  return {
    stop: async (boundMs) => {
      stopped = true;
      let timer;
      const bound = new Promise((resolve) => {
        timer = setTimeout(resolve, boundMs, 'bound');
      });
      const outcome = await Promise.race([Promise.all(loops).then(() => 'done'), bound]);
      clearTimeout(timer);
      return outcome === 'done' ? 0 : ledger.inFlight;
    },
  };
}
