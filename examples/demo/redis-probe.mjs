// Finds out whether a Redis server answers, without any client library: one PING over a raw socket.
import { connect } from 'node:net';

/** REDIS_URL is not something the demo can connect to; the message is one line and shows no password. */
export class RedisUrlError extends Error {}

/**
 * Where the demo looks for Redis: REDIS_URL, else 127.0.0.1:6379. `host:port` without a scheme means `redis://host:port`.
 * @param {string | undefined} redisUrl
 * @returns {{ url: string, host: string, port: number }}
 * @throws {RedisUrlError} when REDIS_URL is not a redis:// or rediss:// URL (or host:port)
 */
export function redisTarget(redisUrl) {
  const text = (redisUrl ?? '').trim() || 'redis://127.0.0.1:6379';
  const withScheme = /^[a-z][a-z0-9+.-]*:\/\//i.test(text) ? text : `redis://${text}`;
  const problem = `REDIS_URL must be redis://host:port, rediss://host:port or host:port, got ${JSON.stringify(hidePassword(text))}`;
  let url;
  try {
    url = new URL(withScheme);
  } catch {
    throw new RedisUrlError(problem);
  }
  if ((url.protocol !== 'redis:' && url.protocol !== 'rediss:') || url.hostname === '') throw new RedisUrlError(problem);
  const host = url.hostname.replace(/^\[|\]$/g, '');
  const port = url.port === '' ? 6379 : Number(url.port);
  return { url: url.href, host, port };
}

/** `scheme://user:password@host` -> `scheme://***@host`, and `user:password@host` without a scheme likewise. */
function hidePassword(text) {
  return text.replace(/^([a-z][a-z0-9+.-]*:\/\/)?[^/@]*@/i, (_, scheme = '') => `${scheme}***@`);
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
