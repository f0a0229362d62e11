// A @pool/core factory of raw TCP connections, and a request/response helper for a line protocol.
import { connect } from 'node:net';
import { once } from 'node:events';

/**
 * @param {{ host: string, port: number }} address
 * @returns {import('@pool/core').Factory<import('node:net').Socket>}
 */
export function socketFactory({ host, port }) {
  return {
    // The pool aborts `signal` when a create times out (createTimeoutMs) or the pool closes.
    async create(signal) {
      const socket = connect({ host, port, signal, noDelay: true });
      socket.setEncoding('utf8');
      await once(socket, 'connect', { signal });
      // Keep an 'error' listener for the socket's life, so a reset while idle is recorded, not thrown.
      socket.on('error', () => socket.destroy());
      return socket;
    },
    destroy(socket) {
      socket.destroy();
    },
    // Before an idle socket is handed out: still open in both directions?
    validate(socket) {
      return !socket.destroyed && socket.readyState === 'open';
    },
    // On release: the peer closed it, or a request on it failed and destroyed it.
    isBroken(socket) {
      return socket.destroyed;
    },
  };
}

/**
 * Sends one line and resolves with the reply line. Any failure destroys the socket, so the pool drops it on release.
 * @param {import('node:net').Socket} socket
 * @param {string} line
 * @param {number} [timeoutMs]
 * @returns {Promise<string>}
 */
export async function request(socket, line, timeoutMs = 1_000) {
  try {
    if (socket.destroyed || socket.readyState !== 'open') throw new Error('connection closed by the server');
    const signal = AbortSignal.timeout(timeoutMs);
    const reply = readLine(socket, signal);
    socket.write(`${line}\n`);
    return await reply;
  } catch (error) {
    socket.destroy();
    throw error;
  }
}

function readLine(socket, signal) {
  return new Promise((resolve, reject) => {
    let received = '';
    const cleanUp = () => {
      socket.off('data', onData);
      socket.off('close', onClose);
      signal.removeEventListener('abort', onAbort);
    };
    const onData = (chunk) => {
      received += chunk;
      const end = received.indexOf('\n');
      if (end === -1) return;
      cleanUp();
      resolve(received.slice(0, end));
    };
    const onClose = () => {
      cleanUp();
      reject(new Error('connection closed by the server'));
    };
    const onAbort = () => {
      cleanUp();
      reject(new Error('no reply in time'));
    };
    socket.on('data', onData);
    socket.once('close', onClose);
    signal.addEventListener('abort', onAbort, { once: true });
  });
}
