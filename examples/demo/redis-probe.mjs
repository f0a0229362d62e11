// Finds out whether a Redis server answers, without any client library: one PING over a raw socket.
import { connect } from 'node:net';

/**
 * Where the demo looks for Redis: REDIS_URL, else 127.0.0.1:6379.
 * @param {string | undefined} redisUrl
 * @returns {{ url: string, host: string, port: number }}
 */
export function redisTarget(redisUrl) {
  const url = new URL(redisUrl ?? 'redis://127.0.0.1:6379');
  const host = url.hostname.replace(/^\[|\]$/g, '') || '127.0.0.1';
  const port = url.port === '' ? 6379 : Number(url.port);
  return { url: url.href, host, port };
}

/** Renders a target for output, without its password. */
export function describeTarget({ host, port }) {
  return `${host}:${port}`;
}

/**
 * Sends PING and waits for any RESP reply (`+PONG`, or an error such as `-NOAUTH`: either way, Redis answered).
 * @param {{ host: string, port: number }} target
 * @param {number} timeoutMs
 * @returns {Promise<{ answers: true } | { answers: false, reason: string }>}
 */
export function probeRedis({ host, port }, timeoutMs) {
  return new Promise((resolve) => {
    const socket = connect({ host, port });
    const finish = (result) => {
      clearTimeout(timer);
      socket.destroy();
      resolve(result);
    };
    const timer = setTimeout(() => finish({ answers: false, reason: `no answer within ${timeoutMs} ms` }), timeoutMs);
    socket.once('connect', () => socket.write('PING\r\n'));
    socket.once('data', (data) => {
      const first = data.toString('latin1', 0, 1);
      finish(first === '+' || first === '-' ? { answers: true } : { answers: false, reason: 'the peer is not Redis' });
    });
    socket.once('error', (error) => finish({ answers: false, reason: error.code ?? error.message }));
  });
}
