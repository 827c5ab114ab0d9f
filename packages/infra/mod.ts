/**
 * Local infrastructure for development and tests: PostgreSQL chosen in a fixed order (a URL from
 * the environment, a Docker engine, the local server binaries, embedded PGlite for `dev`), free
 * ports, waiting for health, and the table of services.
 *
 * @module
 */
export {
  type PostgresHandle,
  startPostgres,
  type StartPostgresOptions,
} from "./postgres/start_postgres.ts";
export { freePort } from "./free_port.ts";
export { waitForHttp } from "./wait_for_http.ts";
export { databaseUrl } from "./database_url.ts";
export { SERVICES, type ServiceSpec } from "./services.ts";
export { systemEnv, type SystemEnvOptions, V8_FLAGS } from "./system_env.ts";
export { generateSigningKey } from "./generate_signing_key.ts";
export {
  createTopics,
  type KafkaHandle,
  KafkaUnavailableError,
  startKafka,
  type StartKafkaOptions,
  type TopicSpec,
} from "./kafka/start_kafka.ts";
