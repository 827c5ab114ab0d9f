import type { Sql } from "@pms/db";
import { createEventRelay, EVENT_OUTBOX_CHANNEL, type EventPublisher } from "@pms/events";
import type { Logger } from "@pms/log";
import { wakeOnCommit } from "@pms/worker";
import type { BackgroundWork } from "./service_manifest.ts";

/**
 * The relay of a service's `event_outbox` to its publisher, woken at once by a commit in this
 * process and otherwise polling every `pollMs`; nothing without a publisher (no brokers). The poll
 * only finds what another instance left (one that died between its commit and its relay's round),
 * so it is slow: a second, where 250 ms cost each idle service about 3 ms of CPU a second more
 * (`deno task bench:rest`).
 */
export function outboxRelayWork(
  sql: Sql,
  publisher: EventPublisher | undefined,
  logger: Logger,
  pollMs = 1000,
): BackgroundWork[] {
  if (!publisher) return [];
  const relay = createEventRelay({ sql, publisher, logger, pollMs });
  return [relay, wakeOnCommit({ [EVENT_OUTBOX_CHANNEL]: relay })];
}
