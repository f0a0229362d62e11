import { createServer, type Server, type Socket } from 'node:net';
import { afterAll, describe, expect, it } from 'vitest';
import { closedPort } from './support/run-program.js';
import {
  LOCAL_POSTGRES,
  LOCAL_REDIS,
  MissingServiceError,
  REDIS_SERVER_BINARY,
  redisAt,
  requireServices,
} from './support/services.js';
import { programOnPath } from '../packages/redis/test/support/services.js';

// The checks the tests that need a service run first: a missing service fails them with one message that names it
// and says how to start it.

const servers: Server[] = [];
const sockets = new Set<Socket>();
afterAll(async () => {
  for (const socket of sockets) socket.destroy();
  await Promise.all(servers.map((server) => new Promise((resolve) => server.close(resolve))));
});

/** A loopback server that answers every connection with `reply`. */
async function answeringWith(reply: string): Promise<number> {
  const server = createServer((socket) => {
    sockets.add(socket.once('close', () => sockets.delete(socket)));
    socket.end(reply);
  });
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return (server.address() as { port: number }).port;
}

async function failureOf(promise: Promise<unknown>): Promise<MissingServiceError> {
  const error = await promise.then(
    () => undefined,
    (reason: unknown) => reason,
  );
  expect(error).toBeInstanceOf(MissingServiceError);
  return error as MissingServiceError;
}

describe('requireServices', () => {
  it('fails a test whose Redis is not there with the service, the reason and how to start it', async () => {
    const port = await closedPort();
    const error = await failureOf(requireServices(redisAt('127.0.0.1', port, 'start it with `redis-server --port N`')));
    expect(error.code).toBe('MISSING_SERVICE');
    expect(error.message).toBe(
      `This test needs Redis on 127.0.0.1:${port}, which is not available ` +
        `(ECONNREFUSED: connect ECONNREFUSED 127.0.0.1:${port}). To run it, start it with \`redis-server --port N\`.`,
    );
  });

  it('tells a server that is not Redis from a missing one', async () => {
    const port = await answeringWith('HTTP/1.1 400 Bad Request\r\n\r\n');
    const error = await failureOf(requireServices(redisAt('127.0.0.1', port, 'start Redis')));
    expect(error.message).toContain(`Redis on 127.0.0.1:${port}, which is not available (it answered PING with "HTTP/1.1 400`);
  });

  it('accepts a password-protected Redis (-NOAUTH) as present', async () => {
    const port = await answeringWith('-NOAUTH Authentication required.\r\n');
    await expect(requireServices(redisAt('127.0.0.1', port, 'start Redis'))).resolves.toBeUndefined();
  });

  it('names a program that is not on the PATH and how to install it', async () => {
    const missing = programOnPath('pool-no-such-program', ['--version'], 'install it: `apt-get install pool-no-such-program`');
    const error = await failureOf(requireServices(missing));
    expect(error.message).toBe(
      'This test needs the `pool-no-such-program` program, which is not available (it is not on the PATH). ' +
        'To run it, install it: `apt-get install pool-no-such-program`.',
    );
  });

  it('lists every missing service, one per line', async () => {
    const [first, second] = [await closedPort(), await closedPort()];
    const error = await failureOf(requireServices(redisAt('127.0.0.1', first, 'a'), redisAt('127.0.0.1', second, 'b')));
    expect(error.message.split('\n')).toHaveLength(2);
  });
});

describe('the services this machine and CI provide', () => {
  it('say how to start each: Redis and redis-server through apt, PostgreSQL with trust auth and database test', () => {
    expect(LOCAL_REDIS.name).toBe('Redis on 127.0.0.1:6379');
    expect(LOCAL_REDIS.howToStart).toContain('sudo apt-get install -y redis-server && sudo service redis-server start');
    expect(LOCAL_POSTGRES.name).toBe('PostgreSQL on 127.0.0.1:5432');
    expect(LOCAL_POSTGRES.howToStart).toContain('sudo apt-get install -y postgresql');
    expect(LOCAL_POSTGRES.howToStart).toContain('createdb test');
    expect(REDIS_SERVER_BINARY.name).toBe('the `redis-server` program');
  });

  it('are all present here (Redis on 6379, PostgreSQL on 5432, the redis-server binary)', async () => {
    await expect(requireServices(LOCAL_REDIS, LOCAL_POSTGRES, REDIS_SERVER_BINARY)).resolves.toBeUndefined();
  });
});
