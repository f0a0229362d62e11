// @pool/core over raw TCP sockets: an echo server started here, a pool of connections to it, and what happens
// when the server drops them. Run: node examples/tcp/main.mjs (after `pnpm build`).
import { setTimeout as delay } from 'node:timers/promises';
import { createPool } from '@pool/core';
import { startEchoServer } from './echo-server.mjs';
import { request, socketFactory } from './socket-factory.mjs';

const server = await startEchoServer();
console.log(`echo server on 127.0.0.1:${server.port}`);

const pool = createPool(socketFactory({ host: '127.0.0.1', port: server.port }), {
  size: 4,
  acquireTimeoutMs: 5_000,
  createTimeoutMs: 5_000,
});
pool.on('error', (error) => console.log(`pool error: ${error.code}`));
const sockets = new Set();
pool.on('create', (socket) => sockets.add(socket));
pool.on('destroy', (socket) => sockets.delete(socket));

// Eight requests over at most four sockets: the rest wait their turn.
const replies = await Promise.all(
  Array.from({ length: 8 }, (_, index) => pool.use((socket) => request(socket, `hello ${index}`))),
);
console.log(`8 requests answered: ${replies.join(', ')}`);
console.log(`sockets open on the server: ${server.connections()}; pool stats: created ${pool.stats().created}, idle ${pool.stats().idle}`);

// The server drops every connection while they sit idle. validate() sees them closed and the pool connects anew.
server.dropAll();
await waitUntil(() => [...sockets].every((socket) => socket.readyState !== 'open'), 'the idle sockets to see the drop');
const afterDrop = await pool.use((socket) => request(socket, 'after the drop'));
console.log(`after the server dropped all: "${afterDrop}"; invalid idle sockets destroyed: ${pool.stats().validationFailures}`);

// A socket that dies while held is destroyed on release (isBroken) instead of going back idle.
const held = await pool.acquire();
const destroyedBefore = pool.stats().destroyed;
server.dropAll();
await request(held, 'on a dropped connection').catch((error) => console.log(`request on a dropped socket failed: ${error.message}`));
await pool.release(held);
console.log(`released the broken socket: destroyed ${pool.stats().destroyed - destroyedBefore}, idle now ${pool.stats().idle}`);

await pool.close();
await server.close();
const { created, destroyed } = pool.stats();
console.log(`closed: created ${created}, destroyed ${destroyed}`);

/** The client side learns of the drop asynchronously; poll (bounded) until it has. */
async function waitUntil(condition, what) {
  for (let attempt = 0; attempt < 200; attempt++) {
    if (condition()) return;
    await delay(10);
  }
  throw new Error(`timed out waiting for ${what}`);
}
