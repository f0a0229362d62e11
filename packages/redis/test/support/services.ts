import { spawnSync } from 'node:child_process';
import { connect } from 'node:net';

// What the test suite needs from the machine besides Node.js and npm, and one check each (the root tests add
// PostgreSQL in test/support/services.ts). A test that needs a service
// calls `requireServices(...)` first (in `beforeAll`, or before it spawns a server), so a missing one fails that test
// with a message naming the service and how to start it, instead of a connection error deep in the test.

/** One thing on the machine the tests rely on. */
export interface Service {
  /** What it is and where it is expected, e.g. `Redis on 127.0.0.1:6379`. */
  readonly name: string;
  /** How to get it running on Debian or Ubuntu (the README says the same). */
  readonly howToStart: string;
  /** Resolves with why it is unusable, or `undefined` when it is there. Never rejects. */
  check(): Promise<string | undefined>;
}

/** How long a probe may take: the machine is shared and can be slow, but an absent service refuses at once. */
const PROBE_TIMEOUT_MS = 3_000;

/**
 * Connects to `host:port`, optionally writes `probe`, and resolves with the first bytes the server sends back (`''`
 * when nothing is written), or with an `Error` when the connection fails or the probe times out.
 */
export function probeTcp(host: string, port: number, probe?: string, timeoutMs = PROBE_TIMEOUT_MS): Promise<string | Error> {
  return new Promise((resolve) => {
    const socket = connect({ host, port });
    const finish = (result: string | Error) => {
      clearTimeout(timer);
      socket.destroy();
      resolve(result);
    };
    const timer = setTimeout(() => finish(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs);
    socket.once('error', (error) => finish(error));
    socket.once('connect', () => {
      if (probe === undefined) finish('');
      else socket.write(probe);
    });
    socket.once('data', (data) => finish(data.toString('latin1')));
  });
}

/** A Redis server answering `PING` (`+PONG`, or `-NOAUTH` from a password-protected one) at `host:port`. */
export function redisAt(host: string, port: number, howToStart: string): Service {
  return {
    name: `Redis on ${host}:${port}`,
    howToStart,
    async check() {
      const answer = await probeTcp(host, port, 'PING\r\n');
      if (answer instanceof Error) return describeError(answer);
      return /^(\+PONG|-NOAUTH)/.test(answer) ? undefined : `it answered PING with ${JSON.stringify(answer.slice(0, 40))}`;
    },
  };
}

/** Something accepting TCP connections at `host:port` (PostgreSQL's protocol needs no probe to know it is there). */
export function listenerAt(name: string, host: string, port: number, howToStart: string): Service {
  return {
    name: `${name} on ${host}:${port}`,
    howToStart,
    async check() {
      const answer = await probeTcp(host, port);
      return answer instanceof Error ? describeError(answer) : undefined;
    },
  };
}

/** A program on the PATH that runs `args` (e.g. `--version`) with exit code 0. */
export function programOnPath(program: string, args: readonly string[], howToStart: string): Service {
  let answer: Promise<string | undefined> | undefined;
  return {
    name: `the \`${program}\` program`,
    howToStart,
    // Asked once per process: helpers that start many servers check before each.
    check: () => (answer ??= Promise.resolve(programProblem(program, args))),
  };
}

function programProblem(program: string, args: readonly string[]): string | undefined {
  const result = spawnSync(program, args, { stdio: 'ignore', timeout: PROBE_TIMEOUT_MS });
  if (result.error !== undefined) {
    return (result.error as NodeJS.ErrnoException).code === 'ENOENT' ? 'it is not on the PATH' : describeError(result.error);
  }
  return result.status === 0 ? undefined : `\`${program} ${args.join(' ')}\` exited with ${result.status ?? result.signal}`;
}

function describeError(error: Error): string {
  const code = (error as NodeJS.ErrnoException).code;
  return code === undefined ? error.message : `${code}: ${error.message}`;
}

/** The local Redis the examples, README blocks and the pack-and-install test use. */
export const LOCAL_REDIS: Service = redisAt(
  '127.0.0.1',
  6379,
  'install and start it: `sudo apt-get install -y redis-server && sudo service redis-server start` (or run `redis-server --daemonize yes`)',
);

/** The server binary the Redis tests spawn on free loopback ports (servers they kill, pause and cluster). */
export const REDIS_SERVER_BINARY: Service = programOnPath(
  'redis-server',
  ['--version'],
  'install it: `sudo apt-get install -y redis-server` (the tests start and stop their own servers; it need not be running)',
);

/** The message of a test that cannot run because `service` is missing. */
export function missingServiceMessage(service: Service, reason: string): string {
  return `This test needs ${service.name}, which is not available (${reason}). To run it, ${service.howToStart}.`;
}

/** Thrown by {@link requireServices}: names each missing service and how to start it. */
export class MissingServiceError extends Error {
  override readonly name = 'MissingServiceError';
  readonly code = 'MISSING_SERVICE';
}

/** Checks the services (at once) and throws one {@link MissingServiceError} naming every missing one. */
export async function requireServices(...services: readonly Service[]): Promise<void> {
  const problems = await Promise.all(services.map(async (service) => ({ service, reason: await service.check() })));
  const missing = problems.filter((problem): problem is { service: Service; reason: string } => problem.reason !== undefined);
  if (missing.length > 0) throw new MissingServiceError(missing.map(({ service, reason }) => missingServiceMessage(service, reason)).join('\n'));
}
