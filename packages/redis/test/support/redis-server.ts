import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, connect, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { REDIS_SERVER_BINARY, requireServices } from './services.js';

/** Options of {@link startRedisServer}. */
export interface RedisServerOptions {
  /** `requirepass` for the default user. */
  requirepass?: string;
  /** ACL rules, one `user ...` line each (e.g. `user app on >secret ~* +@all`). */
  aclUsers?: string[];
  /** Also listen on a unix socket in the server's temp dir. */
  unixSocket?: boolean;
  /** Serve TLS only (port 0 for plain TCP) with a certificate made by {@link makeCertificates}. */
  tls?: Certificates;
}

/** A CA and a server certificate for 127.0.0.1, as PEM files in a temp dir. */
export interface Certificates {
  readonly dir: string;
  readonly caFile: string;
  readonly certFile: string;
  readonly keyFile: string;
}

/** Finds a free loopback port: listen on port 0, read it, close. Never 6379. */
export async function freePort(): Promise<number> {
  for (;;) {
    const server = createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const address = server.address();
    await new Promise<void>((resolve) => server.close(() => resolve()));
    if (address !== null && typeof address === 'object' && address.port !== 6379) return address.port;
  }
}

/** A `redis-server` process this test owns, on a free loopback port. */
export class RedisServer {
  readonly port: number;
  readonly dir: string;
  readonly #options: RedisServerOptions;
  #process: ChildProcess | undefined;

  private constructor(port: number, dir: string, options: RedisServerOptions) {
    this.port = port;
    this.dir = dir;
    this.#options = options;
  }

  /** Starts a server and waits until it answers PING. */
  static async start(options: RedisServerOptions = {}): Promise<RedisServer> {
    const server = new RedisServer(await freePort(), mkdtempSync(join(tmpdir(), 'pool-redis-')), options);
    await server.#spawn();
    return server;
  }

  /** The unix socket path (with `unixSocket`). */
  get socketPath(): string {
    return join(this.dir, 'redis.sock');
  }

  /** The process id, while running. */
  get pid(): number | undefined {
    return this.#process?.pid;
  }

  /** `redis://127.0.0.1:port` (or `rediss://` with TLS). */
  get url(): string {
    return `${this.#options.tls === undefined ? 'redis' : 'rediss'}://127.0.0.1:${this.port}`;
  }

  /** Runs a command with redis-cli (as the default user) and returns its output. */
  cli(...args: string[]): string {
    const auth = this.#options.requirepass === undefined ? [] : ['--no-auth-warning', '-a', this.#options.requirepass];
    const tls = this.#options.tls === undefined ? [] : ['--tls', '--cacert', this.#options.tls.caFile];
    const result = spawnSync('redis-cli', ['-h', '127.0.0.1', '-p', String(this.port), ...tls, ...auth, ...args], { encoding: 'utf8' });
    return result.stdout;
  }

  /** Sends SIGSTOP: the server keeps its sockets but answers nothing. */
  pause(): void {
    this.#signal('SIGSTOP');
  }

  /** Sends SIGCONT after {@link RedisServer.pause}. */
  resume(): void {
    this.#signal('SIGCONT');
  }

  /** SIGKILLs the server and waits for the process to exit. */
  async kill(): Promise<void> {
    const child = this.#process;
    if (child === undefined) return;
    this.#process = undefined;
    if (child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    child.kill('SIGKILL');
    await exited;
  }

  /** Starts the server again on the same port (after {@link RedisServer.kill}). */
  async restart(): Promise<void> {
    await this.kill();
    await this.#spawn();
  }

  /** Kills the server and removes its temp dir. */
  async stop(): Promise<void> {
    if (this.#process !== undefined) this.resume();
    await this.kill();
    rmSync(this.dir, { recursive: true, force: true });
  }

  async #spawn(): Promise<void> {
    await requireServices(REDIS_SERVER_BINARY);
    const args = [this.#configFile(), '--save', '', '--appendonly', 'no', '--bind', '127.0.0.1', '--dir', this.dir];
    const child = spawn('redis-server', args, { stdio: 'ignore' });
    this.#process = child;
    await waitUntilAnswers(this.port, child, this.#options.tls !== undefined);
  }

  #configFile(): string {
    const lines: string[] = [];
    const tls = this.#options.tls;
    if (tls === undefined) lines.push(`port ${this.port}`);
    else lines.push('port 0', `tls-port ${this.port}`, `tls-cert-file ${tls.certFile}`, `tls-key-file ${tls.keyFile}`, `tls-ca-cert-file ${tls.caFile}`, 'tls-auth-clients no');
    if (this.#options.requirepass !== undefined) lines.push(`requirepass ${this.#options.requirepass}`);
    for (const user of this.#options.aclUsers ?? []) lines.push(user);
    if (this.#options.unixSocket === true) lines.push(`unixsocket ${this.socketPath}`, 'unixsocketperm 700');
    const file = join(this.dir, 'redis.conf');
    writeFileSync(file, `${lines.join('\n')}\n`);
    return file;
  }

  #signal(signal: NodeJS.Signals): void {
    this.#process?.kill(signal);
  }
}

/** Polls until the port accepts a connection and the server answers (`PING` → `+PONG` or `-NOAUTH`). */
async function waitUntilAnswers(port: number, child: ChildProcess, tls: boolean): Promise<void> {
  for (let attempt = 0; attempt < 500; attempt++) {
    if (child.exitCode !== null) throw new Error(`redis-server on port ${port} exited with ${child.exitCode}`);
    if (await answers(port, tls)) return;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  throw new Error(`redis-server on port ${port} did not answer`);
}

function answers(port: number, tls: boolean): Promise<boolean> {
  return new Promise((resolve) => {
    const socket: Socket = connect(port, '127.0.0.1');
    socket.setTimeout(1000, () => socket.destroy());
    socket.once('error', () => resolve(false));
    socket.once('close', () => resolve(false));
    socket.once('connect', () => {
      // A TLS server is ready once it accepts; plain ones must answer PING.
      if (tls) {
        socket.destroy();
        resolve(true);
        return;
      }
      socket.write('PING\r\n');
    });
    socket.once('data', (data) => {
      socket.destroy();
      resolve(data.toString().startsWith('+PONG') || data.toString().startsWith('-NOAUTH'));
    });
  });
}

/** A TCP server that accepts connections and never answers: a hung Redis for connect-timeout tests. */
export async function startSilentServer(): Promise<{ port: number; openSockets: () => number; close: () => Promise<void> }> {
  const sockets = new Set<Socket>();
  const server: Server = createServer((socket) => {
    // Read and drop whatever arrives, so a client's FIN is seen and the socket closes when the client lets go.
    socket.resume();
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  if (address === null || typeof address !== 'object') throw new Error('silent server has no port');
  return {
    port: address.port,
    openSockets: () => sockets.size,
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}

/** Generates a CA and a server certificate for 127.0.0.1 with `openssl` into a temp dir. */
export function makeCertificates(): Certificates {
  const dir = mkdtempSync(join(tmpdir(), 'pool-redis-tls-'));
  const file = (name: string) => join(dir, name);
  writeFileSync(file('san.cnf'), 'subjectAltName=IP:127.0.0.1,DNS:localhost\n');
  const run = (...args: string[]) => {
    const result = spawnSync('openssl', args, { encoding: 'utf8' });
    if (result.status !== 0) throw new Error(`openssl ${args[0]} failed: ${result.stderr}`);
  };
  run('req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-days', '2', '-subj', '/CN=pool-test-ca', '-keyout', file('ca.key'), '-out', file('ca.crt'));
  run('req', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-subj', '/CN=127.0.0.1', '-keyout', file('server.key'), '-out', file('server.csr'));
  run('x509', '-req', '-in', file('server.csr'), '-CA', file('ca.crt'), '-CAkey', file('ca.key'), '-CAcreateserial', '-days', '2', '-extfile', file('san.cnf'), '-out', file('server.crt'));
  return { dir, caFile: file('ca.crt'), certFile: file('server.crt'), keyFile: file('server.key') };
}
