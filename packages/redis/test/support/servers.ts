import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { REDIS_SERVER_BINARY, requireServices } from './services.js';

/**
 * Spawns throwaway `redis-server` processes on free loopback ports, each in its own temp dir, and kills them by pid.
 * Shared by the hash, cluster and sentinel topologies.
 */

/** One spawned `redis-server` (data node or sentinel). */
export interface ServerProcess {
  readonly port: number;
  readonly pid: number;
  /** `127.0.0.1:port`, the form CLIENT LIST, CLUSTER NODES and node targets use. */
  readonly address: string;
  readonly dir: string;
  /** Whether the process is still running. */
  readonly isRunning: boolean;
  /** SIGKILLs the process (no-op when it already exited) and waits for its exit. */
  kill(): Promise<void>;
}

/** Options of {@link startServer}. */
export interface StartServerOptions {
  /** Extra config lines written to `redis.conf` (e.g. `cluster-enabled yes`). */
  readonly config?: readonly string[];
  /** Start as a sentinel (`--sentinel`); the config must then monitor something. */
  readonly sentinel?: boolean;
  /** Use this port instead of a free one (a sentinel config may need to know it beforehand). */
  readonly port?: number;
}

const HOST = '127.0.0.1';

/** Every server still running, killed synchronously if the test process exits before its teardown ran. */
const running = new Set<ChildProcess>();
process.once('exit', () => {
  for (const child of running) child.kill('SIGKILL');
});
const START_ATTEMPTS = 3;
const READY_TIMEOUT_MS = 10_000;

/** A port that was free a moment ago: listen on port 0, read it, close. */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.once('error', reject);
    server.listen(0, HOST, () => {
      const address = server.address();
      const port = typeof address === 'object' && address !== null ? address.port : 0;
      server.close(() => (port > 0 ? resolve(port) : reject(new Error('no port assigned'))));
    });
  });
}

/**
 * Starts a `redis-server` on a free loopback port in a new temp dir and waits until it answers PING.
 * Retries on a port taken between probing and binding.
 */
export async function startServer(options: StartServerOptions = {}): Promise<ServerProcess> {
  await requireServices(REDIS_SERVER_BINARY);
  let lastError: unknown;
  for (let attempt = 0; attempt < START_ATTEMPTS; attempt++) {
    const port = options.port ?? (await freePort());
    try {
      return await startOn(port, options);
    } catch (error) {
      lastError = error;
      if (options.port !== undefined) break;
    }
  }
  throw lastError;
}

async function startOn(port: number, options: StartServerOptions): Promise<ServerProcess> {
  const dir = mkdtempSync(join(tmpdir(), options.sentinel === true ? 'pool-sentinel-' : 'pool-redis-'));
  const configPath = join(dir, 'redis.conf');
  const lines = [
    `port ${port}`,
    `bind ${HOST}`,
    `dir ${dir}`,
    'save ""',
    'appendonly no',
    'protected-mode no',
    'loglevel warning',
    `logfile ${join(dir, 'redis.log')}`,
    ...(options.config ?? []),
  ];
  writeFileSync(configPath, `${lines.join('\n')}\n`);
  const args = options.sentinel === true ? [configPath, '--sentinel'] : [configPath];
  const child = spawn('redis-server', args, { stdio: 'ignore' });
  const server = new SpawnedServer(child, port, dir);
  try {
    await pollUntil(() => ping(port), READY_TIMEOUT_MS, `redis-server on port ${port} did not answer PING`);
  } catch (error) {
    await server.kill();
    throw error;
  }
  return server;
}

class SpawnedServer implements ServerProcess {
  readonly port: number;
  readonly pid: number;
  readonly address: string;
  readonly dir: string;
  readonly #child: ChildProcess;
  readonly #exited: Promise<void>;
  #running = true;

  constructor(child: ChildProcess, port: number, dir: string) {
    if (child.pid === undefined) throw new Error('redis-server did not start (is it installed?)');
    this.#child = child;
    this.pid = child.pid;
    this.port = port;
    this.address = `${HOST}:${port}`;
    this.dir = dir;
    running.add(child);
    this.#exited = new Promise((resolve) => {
      child.once('exit', () => {
        running.delete(child);
        this.#running = false;
        resolve();
      });
    });
  }

  get isRunning(): boolean {
    return this.#running;
  }

  async kill(): Promise<void> {
    if (this.#running) this.#child.kill('SIGKILL');
    await this.#exited;
    rmSync(this.dir, { recursive: true, force: true });
  }
}

/** Sends one inline command over a fresh socket and resolves with the raw reply text ('' on any failure). */
export async function rawCommand(port: number, command: string, timeoutMs = 1_000): Promise<string> {
  return new Promise((resolve) => {
    const socket = new Socket();
    let reply = '';
    const finish = (): void => {
      socket.destroy();
      resolve(reply);
    };
    socket.setTimeout(timeoutMs, finish);
    socket.once('error', finish);
    socket.on('data', (chunk: Buffer) => {
      reply += chunk.toString('utf8');
      if (reply.endsWith('\r\n')) finish();
    });
    socket.connect(port, HOST, () => socket.write(`${command}\r\n`));
  });
}

/** Up means it answers: PONG, or NOAUTH from a server with `requirepass`. */
async function ping(port: number): Promise<boolean> {
  const reply = await rawCommand(port, 'PING');
  return reply.startsWith('+PONG') || reply.startsWith('-NOAUTH');
}

/** Polls `check` every 50 ms until it is true; throws `message` after `timeoutMs`. Never used to wait for time itself. */
export async function pollUntil(check: () => boolean | Promise<boolean>, timeoutMs: number, message: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await check()) return;
    if (Date.now() > deadline) throw new Error(`${message} within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** Runs `redis-cli` with arguments and resolves with its stdout; rejects on a non-zero exit. */
export async function redisCli(args: readonly string[], timeoutMs = 30_000): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn('redis-cli', args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.once('exit', (code) => {
      clearTimeout(timer);
      if (code === 0) resolve(output);
      else reject(new Error(`redis-cli ${args.join(' ')} exited with ${String(code)}: ${output}`));
    });
  });
}

/** Starts `count` independent servers (the hash pool's buckets). */
export async function startServers(count: number, options: StartServerOptions = {}): Promise<ServerProcess[]> {
  return Promise.all(Array.from({ length: count }, () => startServer(options)));
}

/** Kills every server given, by pid, in parallel. */
export async function killAll(servers: readonly ServerProcess[]): Promise<void> {
  await Promise.all(servers.map((server) => server.kill()));
}

/** Counts a server's clients named `name` (CLIENT SETNAME), from CLIENT LIST. */
export async function countClients(connection: { call(...args: string[]): Promise<unknown> }, name: string): Promise<number> {
  const list = String(await connection.call('CLIENT', 'LIST'));
  return list.split('\n').filter((line) => line.includes(` name=${name} `)).length;
}
