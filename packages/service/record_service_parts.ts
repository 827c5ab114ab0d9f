import { createEventPublisher, type EventPublisher } from "@pms/events";
import { createIdempotencyStore, type IdempotencyStore, type Paging } from "@pms/http";
import type { ServiceConfig, ServiceContext } from "./service_manifest.ts";

/** The settings {@linkcode recordServiceParts} reads (`shapes.idempotency`, `paging`, `bodyLimit`). */
export interface RecordServiceConfig extends ServiceConfig {
  IDEMPOTENCY_TTL_SECONDS: number;
  PAGE_SIZE_DEFAULT: number;
  PAGE_SIZE_MAX: number;
  MAX_BODY_BYTES: number;
}

/** What every service that keeps records of its own builds alike. */
export interface RecordServiceParts {
  /** The `Idempotency-Key`s of its creates, kept `IDEMPOTENCY_TTL_SECONDS`. */
  keys: IdempotencyStore;
  /** The publisher of its events' topic; undefined without brokers (events wait in the outbox). */
  publisher: EventPublisher | undefined;
  /** Its lists' page sizes. */
  paging: Paging;
  /** The largest request body it reads. */
  maxBodyBytes: number;
}

/**
 * The parts a record-keeping service's `setup` builds the same way as every other's: its
 * idempotency keys, the publisher of its events to `topic`, its paging and its body limit.
 */
export function recordServiceParts(
  context: Pick<ServiceContext<RecordServiceConfig>, "config" | "db" | "kafka" | "logger">,
  topic: string,
): RecordServiceParts {
  const { config, db, kafka, logger } = context;
  return {
    keys: createIdempotencyStore(db.sql, { ttlSeconds: config.IDEMPOTENCY_TTL_SECONDS }),
    publisher: kafka ? createEventPublisher({ kafka, topic, logger }) : undefined,
    paging: { defaultSize: config.PAGE_SIZE_DEFAULT, maxSize: config.PAGE_SIZE_MAX },
    maxBodyBytes: config.MAX_BODY_BYTES,
  };
}
