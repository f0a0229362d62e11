// The faults the soak does to its own server, one at a time with a healthy gap between them, each recorded with the
// instant it began and the instant the server answered again ("recovered").

import { Redis } from 'ioredis';

export const FAULT_KINDS = ['kill', 'stop', 'client-kill', 'debug-sleep'];

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
const between = (low, high) => low + Math.random() * (high - low);

/** One fault: what, when it began, when the server answered again (ms, `performance.now()`), and how long it was down. */
export class FaultRecord {
  constructor(kind, startedAt) {
    this.kind = kind;
    this.startedAt = startedAt;
    this.recoveredAt = startedAt;
  }
}

/** A plain ioredis connection of the soak's own (not pooled), for CLIENT KILL and DEBUG SLEEP. */
function adminConnection(port) {
  const admin = new Redis({ host: '127.0.0.1', port, lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null, enableOfflineQueue: false });
  admin.on('error', () => undefined);
  return admin;
}

async function withAdmin(port, work) {
  const admin = adminConnection(port);
  try {
    await admin.connect();
    return await work(admin);
  } finally {
    admin.disconnect();
  }
}

/** Does one fault of `kind` to `server` and returns its record once the server answers again. */
export async function injectFault(server, kind) {
  const record = new FaultRecord(kind, performance.now());
  switch (kind) {
    case 'kill': {
      await server.kill();
      await sleep(between(200, 1500));
      await server.restart();
      break;
    }
    case 'stop': {
      server.pause();
      await sleep(between(300, 2000));
      server.resume();
      break;
    }
    case 'client-kill': {
      await withAdmin(server.port, (admin) => admin.client('KILL', 'TYPE', 'normal'));
      break;
    }
    case 'debug-sleep': {
      const seconds = between(0.3, 1.5).toFixed(2);
      await withAdmin(server.port, (admin) => admin.call('DEBUG', 'SLEEP', seconds));
      break;
    }
    default:
      throw new Error(`unknown fault ${kind}`);
  }
  record.recoveredAt = performance.now();
  return record;
}

/**
 * Runs faults until `untilMs` (a `performance.now()` instant), cycling through `kinds`, with 2.5–4 s of health
 * after each; the last fault ends at least `quietMs` before `untilMs`, so the run ends healthy.
 */
export async function runFaults(server, kinds, untilMs, quietMs, log) {
  const records = [];
  await sleep(between(1500, 2500));
  for (let index = 0; performance.now() + 3_000 + quietMs < untilMs; index++) {
    const kind = kinds[index % kinds.length];
    const record = await injectFault(server, kind);
    records.push(record);
    log(`  fault ${records.length}: ${kind}, down ${Math.round(record.recoveredAt - record.startedAt)} ms`);
    await sleep(between(2500, 4000));
  }
  return records;
}
