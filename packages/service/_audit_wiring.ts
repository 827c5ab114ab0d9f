import { AUDIT_CHANNEL, auditTrail, createAuditRecorder, createAuditRelay } from "@pms/audit";
import type { Sql } from "@pms/db";
import { AUDIT_TOPIC, createEventPublisher } from "@pms/events";
import type { AppEnv } from "@pms/http";
import type { Logger } from "@pms/log";
import { wakeOnCommit, wakeOnNotify } from "@pms/worker";
import type { Kafka } from "kafkajs";
import type { MiddlewareHandler } from "hono";
import type { AuditSpec, BackgroundWork, ServiceConfig } from "./service_manifest.ts";

/**
 * A service's audit trail as the runner wires it: the `auditTrail` middleware, and (for a
 * service that keeps its records in its own outbox, when brokers are set) the relay to topic
 * `audit`, woken by group commits and by changes' NOTIFY, then its producer, as background work
 * that stops in reverse. The audit service passes a recorder of its own and needs no relay.
 */
export function auditWiring<D>(
  spec: AuditSpec<D>,
  deps: D & { config: ServiceConfig; logger: Logger; db: { sql: Sql } },
  service: string,
  kafka: Kafka | undefined,
): { middleware: MiddlewareHandler<AppEnv>; work: BackgroundWork[] } {
  const { config, logger } = deps;
  const own = spec.recorder?.(deps);
  const recorder = own ?? createAuditRecorder(deps.db.sql);
  const middleware = auditTrail({
    service,
    recorder,
    trustProxy: config.TRUST_PROXY,
  });
  if (own || !kafka) return { middleware, work: [] };
  const publisher = createEventPublisher({
    kafka,
    topic: config.AUDIT_TOPIC ?? AUDIT_TOPIC,
    logger,
  });
  const relay = createAuditRelay({ sql: deps.db.sql, publisher, logger });
  recorder.onCommit = (row) => relay.wake(row);
  return {
    middleware,
    work: [
      { start() {}, stop: () => publisher.close() },
      relay,
      // A commit in this process that queued records wakes the relay (`signalCommit`); the
      // services whose stores still NOTIFY wake it too.
      wakeOnCommit({ [AUDIT_CHANNEL]: relay }),
      wakeOnNotify(deps.db.sql, logger, { [AUDIT_CHANNEL]: relay }),
    ],
  };
}
