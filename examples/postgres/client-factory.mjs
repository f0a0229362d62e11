// A @pool/core factory of `pg` clients. The pool does the pooling, so each pg.Client is one plain connection.
import pg from 'pg';

/**
 * @param {import('pg').ClientConfig} config where and how to connect
 * @returns {import('@pool/core').Factory<import('pg').Client> & { reportError(client: import('pg').Client, error: unknown): void }}
 */
export function pgClientFactory(config) {
  // Clients that reported an error or ended: the connection is gone, the pool must not reuse them.
  const broken = new WeakSet();
  return {
    async create(signal) {
      const client = new pg.Client(config);
      // Without an 'error' listener, a server-side disconnect of an idle client would crash the process.
      client.on('error', () => broken.add(client));
      client.on('end', () => broken.add(client));
      // The pool aborts `signal` on createTimeoutMs or close(); ending the client rejects the connect below.
      const onAbort = () => void client.end().catch(() => {});
      signal?.addEventListener('abort', onAbort, { once: true });
      try {
        await client.connect();
      } finally {
        signal?.removeEventListener('abort', onAbort);
      }
      return client;
    },
    async destroy(client) {
      await client.end();
    },
    // Before an idle client is handed out: does the server still answer?
    async validate(client) {
      if (broken.has(client)) return false;
      const result = await client.query('SELECT 1 AS ok');
      return result.rows[0]?.ok === 1;
    },
    // On release: did the connection fail while it was held?
    isBroken(client) {
      return broken.has(client);
    },
    // A query failed: when the session is over, mark the client broken now. pg emits 'error' only once the socket
    // closes, which may be after the caller has already released the client.
    reportError(client, error) {
      if (endsSession(error)) broken.add(client);
    },
  };
}

/**
 * Whether a query error means the connection is unusable: a FATAL or PANIC from the server (the server closes the
 * session after sending it), a connection exception (SQLSTATE class 08), or a transport error with no SQLSTATE.
 * @param {unknown} error
 */
export function endsSession(error) {
  if (typeof error !== 'object' || error === null) return true;
  const { severity, code } = /** @type {{ severity?: unknown, code?: unknown }} */ (error);
  if (severity === 'FATAL' || severity === 'PANIC') return true;
  if (typeof code !== 'string' || !/^[0-9A-Z]{5}$/.test(code)) return true;
  return code.startsWith('08');
}
