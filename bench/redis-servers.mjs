// Throwaway redis-server processes for the redis and cluster bench sections: free loopback ports (never 6379), a
// temp dir each, no persistence, killed by pid at the end (and on exit, should the bench die first).
//
//   const server = await startServer();            // { port, pid, cpuSeconds(), stop() }
//   const cluster = await startCluster(3);         // { nodes, seeds, stop() }

import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { connect, createServer } from 'node:net';
import os from 'node:os';
import { join } from 'node:path';

const HOST = '127.0.0.1';
const READY_TIMEOUT_MS = 15_000;
const running = new Set();
process.once('exit', () => {
  for (const child of running) child.kill('SIGKILL');
});

/** A loopback port that was free a moment ago; never 6379, and (for cluster nodes) its bus port +10000 free too. */
export async function freePort({ withBusPort = false } = {}) {
  for (;;) {
    const port = await listenAndClose(0);
    if (port === 6379 || port > 55_535) continue;
    if (!withBusPort || (await listenAndClose(port + 10_000).catch(() => 0)) !== 0) return port;
  }
}

function listenAndClose(port) {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(port, HOST, () => {
      const bound = server.address().port;
      server.close(() => resolve(bound));
    });
  });
}

/** Starts `redis-server --port <free> --save '' --appendonly no` (plus `extraArgs`) and waits until it answers PING. */
export async function startServer(extraArgs = [], { withBusPort = false } = {}) {
  const port = await freePort({ withBusPort });
  const dir = mkdtempSync(join(os.tmpdir(), 'bench-redis-'));
  const args = ['--port', String(port), '--bind', HOST, '--save', '', '--appendonly', 'no', '--dir', dir, '--loglevel', 'warning', ...extraArgs];
  const child = spawn('redis-server', args, { stdio: 'ignore' });
  running.add(child);
  const exited = new Promise((resolve) => child.once('exit', resolve));
  const server = {
    port,
    pid: child.pid,
    address: `${HOST}:${port}`,
    /** CPU seconds (user + system) the server process has used so far, from /proc (Linux). */
    cpuSeconds: () => processCpuSeconds(child.pid),
    stop: async () => {
      child.kill('SIGKILL');
      await exited;
      running.delete(child);
      rmSync(dir, { recursive: true, force: true });
    },
  };
  const deadline = Date.now() + READY_TIMEOUT_MS;
  while (!(await command(port, 'PING')).startsWith('+PONG')) {
    if (Date.now() > deadline) {
      await server.stop();
      throw new Error(`redis-server on port ${port} did not answer PING`);
    }
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  return server;
}

/** Starts `masters` cluster-enabled nodes, joins them with `redis-cli --cluster create`, waits for cluster_state:ok. */
export async function startCluster(masters = 3) {
  const nodes = [];
  const stop = async () => {
    for (const node of nodes) await node.stop();
  };
  try {
    for (let i = 0; i < masters; i++) {
      nodes.push(await startServer(['--cluster-enabled', 'yes', '--cluster-config-file', 'nodes.conf', '--cluster-node-timeout', '5000'], { withBusPort: true }));
    }
    const created = spawnSync('redis-cli', ['--cluster', 'create', ...nodes.map((node) => node.address), '--cluster-replicas', '0', '--cluster-yes'], {
      encoding: 'utf8',
    });
    if (created.status !== 0) throw new Error(`redis-cli --cluster create failed: ${created.stdout}${created.stderr}`);
    const deadline = Date.now() + 30_000;
    for (;;) {
      const infos = await Promise.all(nodes.map((node) => command(node.port, 'CLUSTER INFO')));
      const ok = infos.every((info) => info.includes('cluster_state:ok') && info.includes(`cluster_known_nodes:${masters}`) && info.includes('cluster_slots_ok:16384'));
      if (ok) break;
      if (Date.now() > deadline) throw new Error('cluster did not reach cluster_state:ok');
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  } catch (error) {
    await stop();
    throw error;
  }
  return { nodes, seeds: nodes.map((node) => node.address), cpuSeconds: () => nodes.reduce((sum, node) => sum + node.cpuSeconds(), 0), stop };
}

/** Sends one inline command on a fresh socket and returns the raw reply ('' if the server did not answer). */
function command(port, line) {
  return new Promise((resolve) => {
    const socket = connect(port, HOST);
    let reply = '';
    const done = () => {
      socket.destroy();
      resolve(reply);
    };
    socket.setTimeout(1000, done);
    socket.once('error', done);
    socket.once('connect', () => socket.write(`${line}\r\n`));
    socket.on('data', (data) => {
      reply += data.toString();
      // A status line, or a bulk string read to its end.
      const bulk = /^\$(\d+)\r\n/.exec(reply);
      if (bulk === null ? reply.endsWith('\r\n') : reply.length >= bulk[0].length + Number(bulk[1]) + 2) done();
    });
  });
}

const TICKS_PER_SECOND = 100;

function processCpuSeconds(pid) {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    // utime and stime are fields 14 and 15 of /proc/<pid>/stat; fields[0] here is field 3.
    return (Number(fields[11]) + Number(fields[12])) / TICKS_PER_SECOND;
  } catch {
    return Number.NaN;
  }
}
