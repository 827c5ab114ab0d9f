import { Kafka, logLevel } from "kafkajs";
import type { Logger } from "@pms/log";
import type { KafkaSasl } from "./kafka_security.ts";

/** Options for {@linkcode createKafka}. */
export interface CreateKafkaOptions {
  /** Bootstrap brokers, `host:port`. */
  brokers: string[];
  /** Client id, usually the service name. */
  clientId: string;
  /** kafkajs' own warnings and errors are written through it, at debug level. */
  logger: Logger;
  /** TLS to the brokers, verified against the system's trusted CAs (default false). */
  ssl?: boolean;
  /** A SASL login (PLAIN or SCRAM), after TLS when `ssl` is set. */
  sasl?: KafkaSasl;
}

/**
 * A kafkajs client whose log lines go through the service's JSON logger at debug level. kafkajs
 * reports every transient broker state as an error (the group coordinator not ready at start, a
 * broker that stops before its consumers, a rebalance); our own code reports the failures that
 * last — the consumer's and the relay's retries, with backoff — so an operator's warn and error
 * lines mean something. `LOG_LEVEL=debug` shows kafkajs' view too.
 *
 * With `ssl` and `sasl` (see `kafkaSecurity()`) it speaks TLS and logs in, as MSK's
 * SASL/SCRAM listener requires; kafkajs implements both, so no TLS or SCRAM code is ours.
 */
export function createKafka(options: CreateKafkaOptions): Kafka {
  const log = options.logger.child({ component: "kafkajs" });
  return new Kafka({
    clientId: options.clientId,
    brokers: options.brokers,
    ssl: options.ssl ?? false,
    ...(options.sasl ? { sasl: options.sasl } : {}),
    logLevel: logLevel.WARN,
    connectionTimeout: 3_000,
    requestTimeout: 10_000,
    retry: { initialRetryTime: 200, maxRetryTime: 5_000, retries: 8 },
    logCreator: () => ({ level, log: entry }) => {
      const { message, ...rest } = entry;
      const fields = { ...rest, namespace: entry.namespace };
      log.debug(message, { ...fields, kafkajsLevel: logLevel[level] });
    },
  });
}
