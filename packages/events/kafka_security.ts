import { ConfigError, type ConfigProblem } from "@pms/config";

/** SASL mechanisms the services may authenticate to Kafka with (kafkajs' names). */
export type KafkaSaslMechanism = "plain" | "scram-sha-256" | "scram-sha-512";

/** A SASL login for `createKafka()`'s `sasl` option (one member per mechanism, as kafkajs types it). */
export type KafkaSasl = {
  [M in KafkaSaslMechanism]: { mechanism: M; username: string; password: string };
}[KafkaSaslMechanism];

/** The environment settings {@linkcode kafkaSecurity} reads (from `shapes.auditTrail()`). */
export interface KafkaSecuritySettings {
  KAFKA_SSL?: boolean;
  KAFKA_SASL_MECHANISM?: KafkaSaslMechanism;
  KAFKA_SASL_USERNAME?: string;
  KAFKA_SASL_PASSWORD?: string;
}

/** How the Kafka client connects: TLS or not, and its SASL login if any. */
export interface KafkaSecurity {
  ssl: boolean;
  sasl?: KafkaSasl;
}

/**
 * The TLS and SASL settings of the Kafka client, checked together: a mechanism needs both a
 * username and a password, credentials need a mechanism (else they would be silently unused), and
 * `plain` needs TLS (it sends the password as it is).
 *
 * @throws {ConfigError} naming every variable that is missing or at odds with another.
 */
export function kafkaSecurity(settings: KafkaSecuritySettings): KafkaSecurity {
  const ssl = settings.KAFKA_SSL ?? false;
  const mechanism = settings.KAFKA_SASL_MECHANISM;
  const username = settings.KAFKA_SASL_USERNAME;
  const password = settings.KAFKA_SASL_PASSWORD;
  const problems: ConfigProblem[] = [];
  if (mechanism) {
    if (!username) {
      problems.push({
        variable: "KAFKA_SASL_USERNAME",
        message: `is required with KAFKA_SASL_MECHANISM=${mechanism}`,
      });
    }
    if (!password) {
      problems.push({
        variable: "KAFKA_SASL_PASSWORD",
        message: `is required with KAFKA_SASL_MECHANISM=${mechanism}`,
      });
    }
    if (mechanism === "plain" && !ssl) {
      problems.push({
        variable: "KAFKA_SSL",
        message: "must be true with KAFKA_SASL_MECHANISM=plain (the password would cross in clear)",
      });
    }
  } else if (username || password) {
    problems.push({
      variable: "KAFKA_SASL_MECHANISM",
      message: "is required with KAFKA_SASL_USERNAME and KAFKA_SASL_PASSWORD",
    });
  }
  if (problems.length > 0) throw new ConfigError(problems);
  return mechanism && username && password
    ? { ssl, sasl: { mechanism, username, password } }
    : { ssl };
}
