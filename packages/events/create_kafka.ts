import { Kafka, logLevel } from "kafkajs";
import type { Logger } from "@pms/log";

/** Options for {@linkcode createKafka}. */
export interface CreateKafkaOptions {
  /** Bootstrap brokers, `host:port`. */
  brokers: string[];
  /** Client id, usually the service name. */
  clientId: string;
  /** kafkajs' own log lines are written through it (warnings and errors only). */
  logger: Logger;
}

/** A kafkajs client whose log lines go through the service's JSON logger. */
export function createKafka(options: CreateKafkaOptions): Kafka {
  const log = options.logger.child({ component: "kafkajs" });
  return new Kafka({
    clientId: options.clientId,
    brokers: options.brokers,
    logLevel: logLevel.WARN,
    connectionTimeout: 3_000,
    requestTimeout: 10_000,
    retry: { initialRetryTime: 200, maxRetryTime: 5_000, retries: 8 },
    logCreator: () => ({ level, log: entry }) => {
      const { message, ...rest } = entry;
      const fields = { ...rest, namespace: entry.namespace };
      if (level <= logLevel.ERROR) log.error(message, fields);
      else log.warn(message, fields);
    },
  });
}
