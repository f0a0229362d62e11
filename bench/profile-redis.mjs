// A bare @pool/redis SET/GET loop to profile, against a redis-server this script starts on a free loopback port:
//
//   node --cpu-prof --cpu-prof-dir=bench/results/profiles bench/profile-redis.mjs [callers=16] [ops=200000] [--multiplex]
//   ... bench/profile-redis.mjs [callers] [ops] --generic-pool     (the same loop on generic-pool + ioredis, to compare)
//   node bench/cpuprofile-top.mjs bench/results/profiles/<file>.cpuprofile
//
// The callers share one remaining-operations counter, as in bench/redis.mjs.

import { createGenericPoolIoredis } from './generic-pool-ioredis.mjs';
import { createRedisPool } from '../packages/redis/dist/index.mjs';
import { startServer } from './redis-servers.mjs';

const positional = process.argv.slice(2).filter((arg) => !arg.startsWith('--'));
const multiplex = process.argv.includes('--multiplex');
const useGenericPool = process.argv.includes('--generic-pool');
const callers = Number(positional[0] ?? 16);
const ops = Number(positional[1] ?? 200_000);
const server = await startServer();
try {
  const redis = useGenericPool
    ? genericPoolExecutor(server.port)
    : createRedisPool({ host: '127.0.0.1', port: server.port, size: 16, acquireTimeoutMs: Infinity, multiplex, encoding: 'utf8' });
  const counter = { left: 0 };
  const loop = async () => {
    while (counter.left > 0) {
      counter.left -= 2;
      const key = `bench:key:${(Math.random() * 1000) | 0}`;
      await redis.execute('SET', key, 'xxx');
      await redis.execute('GET', key);
    }
  };
  const round = async (count) => {
    counter.left = count;
    const cpuStart = process.cpuUsage();
    const start = process.hrtime.bigint();
    await Promise.all(Array.from({ length: callers }, loop));
    const cpu = process.cpuUsage(cpuStart);
    return { wall: count / (Number(process.hrtime.bigint() - start) / 1e9), cpu: count / ((cpu.user + cpu.system) / 1e6) };
  };
  await round(Math.min(20_000, ops));
  const rate = await round(ops);
  console.log(
    `${callers} callers, ${useGenericPool ? 'generic-pool + ioredis' : multiplex ? 'multiplexed' : 'exclusive'}: ${Math.round(rate.wall).toLocaleString('en-US')} commands/s, ` +
      `${Math.round(rate.cpu).toLocaleString('en-US')} per CPU-second of this process`,
  );
  await redis.close();
} finally {
  await server.stop();
}

/** The generic-pool peer with the `execute(command, ...args)` of the loop above. */
function genericPoolExecutor(port) {
  const pool = createGenericPoolIoredis(port, 16);
  return { execute: (command, ...args) => pool.run((connection) => connection.call(command, ...args)), close: () => pool.close() };
}
