// A line-based echo server on 127.0.0.1 and a free port: it answers each line with the same line.
import { createServer } from 'node:net';

/**
 * Starts the server. `dropAll()` cuts every open connection, as a server restart would.
 * @returns {Promise<{ port: number, connections: () => number, dropAll: () => void, close: () => Promise<void> }>}
 */
export async function startEchoServer() {
  const sockets = new Set();
  const server = createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => {}); // A client vanishing mid-write is not the server's problem.
    socket.pipe(socket);
  });
  await new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', resolve);
  });
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('echo server has no TCP address');
  return {
    port: address.port,
    connections: () => sockets.size,
    dropAll: () => {
      for (const socket of sockets) socket.destroy();
    },
    close: () => new Promise((resolve, reject) => server.close((error) => (error ? reject(error) : resolve()))),
  };
}
