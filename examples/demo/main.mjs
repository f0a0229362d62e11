// `npx -y pnpm@10.34.8 demo`: the pool working live for a few seconds. Uses Redis when one answers (REDIS_URL, else
// 127.0.0.1:6379) and the in-memory backend otherwise, and says which.
import { createMemoryBackend } from './memory-backend.mjs';
import { describeTarget, probeRedis, RedisUrlError, redisTarget } from './redis-probe.mjs';
import { createRedisBackend } from './redis-backend.mjs';
import { TOUR_POOL_OPTIONS, runTour, say } from './tour.mjs';

let target;
try {
  target = redisTarget(process.env.REDIS_URL);
} catch (error) {
  if (!(error instanceof RedisUrlError)) throw error;
  console.error(`demo: ${error.message}`);
  process.exit(2);
}
const probe = await probeRedis(target, 1_000);
if (probe.answers) {
  say(`backend: Redis at ${describeTarget(target)} (@pool/redis on ioredis)`);
  await runTour(createRedisBackend(target, TOUR_POOL_OPTIONS));
} else {
  say(`backend: in-memory (no Redis at ${describeTarget(target)}: ${probe.reason}; set REDIS_URL to use one)`);
  await runTour(createMemoryBackend(TOUR_POOL_OPTIONS));
}
