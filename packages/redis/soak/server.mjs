// The soak's own redis-server: spawned on a free loopback port in a temp dir, and the faults done to it (SIGKILL and
// restart on the same port, SIGSTOP/SIGCONT, CLIENT KILL, DEBUG SLEEP). Every signal goes to this process's pid.
//
// The data survives a SIGKILL: the append-only file is written before each reply leaves the server (appendfsync
// `no` still writes it to the kernel, which a killed process cannot lose), so the integrity check can compare every
// acknowledged INCR with the server after restarts.

import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const HOST = '127.0.0.1';

/**
 * A free port below the kernel's ephemeral range (32768 and up on Linux), so that no other process's `listen(0)` or
 * outgoing connection takes it while the soak's server is down between a SIGKILL and its restart. Never 6379.
 */
export async function freePort() {
  for (let attempt = 0; attempt < 200; attempt++) {
    const port = 20_000 + Math.floor(Math.random() * 12_000);
    if (port === 6379) continue;
    const free = await new Promise((resolve) => {
      const probe = createServer();
      probe.once('error', () => resolve(false));
      probe.listen(port, HOST, () => probe.close(() => resolve(true)));
    });
    if (free) return port;
  }
  throw new Error('no free port between 20000 and 32000');
}

/** Sends one inline command on a fresh socket; resolves with the raw reply ('' on any failure or after `timeoutMs`). */
export function rawCommand(port, command, timeoutMs = 500) {
  return new Promise((resolve) => {
    const socket = new Socket();
    let reply = '';
    const finish = () => {
      socket.destroy();
      resolve(reply);
    };
    socket.setTimeout(timeoutMs, finish);
    socket.once('error', finish);
    socket.on('data', (chunk) => {
      reply += chunk.toString('utf8');
      if (reply.endsWith('\r\n')) finish();
    });
    socket.connect(port, HOST, () => socket.write(`${command}\r\n`));
  });
}

export class SoakServer {
  /** @param {number} port @param {string} dir */
  constructor(port, dir) {
    this.port = port;
    this.dir = dir;
    /** @type {import('node:child_process').ChildProcess | undefined} */
    this.child = undefined;
    this.paused = false;
  }

  static async start() {
    const server = new SoakServer(await freePort(), mkdtempSync(join(tmpdir(), 'pool-soak-')));
    const config = [
      `port ${server.port}`,
      `bind ${HOST}`,
      `dir ${server.dir}`,
      'save ""',
      'appendonly yes',
      'appendfsync no',
      'protected-mode no',
      'enable-debug-command yes',
      'maxclients 4000',
      'loglevel warning',
      `logfile ${join(server.dir, 'redis.log')}`,
    ];
    writeFileSync(join(server.dir, 'redis.conf'), `${config.join('\n')}\n`);
    await server.#spawn();
    return server;
  }

  /** Whether the server answers PING right now (within `timeoutMs`). */
  async answers(timeoutMs = 500) {
    return (await rawCommand(this.port, 'PING', timeoutMs)).startsWith('+PONG');
  }

  /** SIGKILLs the process and waits for its exit. */
  async kill() {
    const child = this.child;
    this.child = undefined;
    if (child === undefined || child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGKILL');
    await exited;
  }

  /** Starts the process again on the same port; resolves once it answers PING (the recovery instant). */
  async restart() {
    await this.kill();
    await this.#spawn();
  }

  pause() {
    this.paused = true;
    this.child?.kill('SIGSTOP');
  }

  resume() {
    this.paused = false;
    this.child?.kill('SIGCONT');
  }

  /** Kills the process and removes its directory. */
  async stop() {
    if (this.paused) this.resume();
    await this.kill();
    rmSync(this.dir, { recursive: true, force: true });
  }

  async #spawn() {
    // A port another process took meanwhile (the server exits at once): try again a few times before giving up.
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.#spawnOnce();
      } catch (error) {
        if (attempt >= 20) throw error;
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    }
  }

  async #spawnOnce() {
    const child = spawn('redis-server', [join(this.dir, 'redis.conf')], { stdio: 'ignore' });
    this.child = child;
    for (let attempt = 0; attempt < 1000; attempt++) {
      if (child.exitCode !== null) throw new Error(`redis-server on port ${this.port} exited with ${child.exitCode}`);
      // A server loading its append-only file answers -LOADING; only PONG counts as answering.
      if (await this.answers(200)) return;
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
    throw new Error(`redis-server on port ${this.port} did not answer`);
  }
}
