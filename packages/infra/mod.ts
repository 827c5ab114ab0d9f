/**
 * The dev and test launchers of local infrastructure: PostgreSQL chosen in a fixed order (a URL
 * from the environment, a Docker engine, the local server binaries, embedded PGlite for `dev`),
 * Kafka likewise, free ports and waiting for health. The topology itself (which services, their
 * ports and wiring) is `@pms/topology`'s and the catalog's, not this package's.
 *
 * @module
 */
export {
  type PostgresHandle,
  startPostgres,
  type StartPostgresOptions,
} from "./postgres/start_postgres.ts";
export { freePort } from "./free_port.ts";
export { RestartBudget, type RestartBudgetOptions } from "./restart_budget.ts";
export { ownSession } from "./own_session.ts";
export { waitForHttp } from "./wait_for_http.ts";
export { databaseUrl } from "./database_url.ts";
export { generateSigningKey } from "./generate_signing_key.ts";
export {
  createTopics,
  type KafkaHandle,
  KafkaUnavailableError,
  startKafka,
  type StartKafkaOptions,
  type TopicSpec,
} from "./kafka/start_kafka.ts";
