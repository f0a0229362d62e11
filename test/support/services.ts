import { listenerAt, type Service } from '../../packages/redis/test/support/services.js';

// The services the root tests need: the Redis ones come from the Redis package's test support, PostgreSQL is added here.
export {
  LOCAL_REDIS,
  MissingServiceError,
  REDIS_SERVER_BINARY,
  missingServiceMessage,
  probeTcp,
  redisAt,
  requireServices,
  type Service,
} from '../../packages/redis/test/support/services.js';

/** The local PostgreSQL of the postgres example: trust authentication, database `test`. */
export const LOCAL_POSTGRES: Service = listenerAt(
  'PostgreSQL',
  '127.0.0.1',
  5432,
  'install and start it: `sudo apt-get install -y postgresql && sudo service postgresql start`, with trust authentication ' +
    'for 127.0.0.1 in pg_hba.conf and a database named `test` (`sudo -u postgres createdb test`)',
);
