import { env, loadConfig, shapes } from "@pms/config";
import { groupOf, loopbackJwksUrl, topology } from "../catalog.ts";

const self = topology("notification");

/**
 * Loads the notification service's settings (defaults from `services/catalog.json`); each variable's
 * meaning is its description, listed in `docs/configuration.md` (`deno task docs`).
 */
export function loadNotificationConfig(source?: Record<string, string | undefined>) {
  return loadConfig({
    ...shapes.server(self.port),
    ...shapes.database(),
    ...shapes.tokens(loopbackJwksUrl()),
    ...shapes.kafka(),
    ...shapes.consumerGroup("patient", groupOf(self, "patient")),
    ...shapes.billingTopic(),
    ...shapes.consumerGroup("billing", groupOf(self, "billing")),
    ...shapes.appointmentTopic(),
    ...shapes.consumerGroup("appointment", groupOf(self, "appointment")),
    REMINDER_LEAD_MINUTES: env.positiveInt(1440).describe(
      "An `APPOINTMENT_REMINDER` is mailed this long before a BOOKED appointment's start (at " +
        "once when it was booked later than that).",
    ),
    SMTP_URL: env.url().optional().describe(
      "Mail server, `smtp://user:pass@host:port`; unset: messages are recorded as `SKIPPED`.",
    ),
    SMTP_FROM: env.string("Patient Management <no-reply@patient-management.local>").describe(
      "Sender of every message.",
    ),
    NOTIFY_MAX_ATTEMPTS: env.positiveInt(8).describe(
      "Sending attempts before a message stays `FAILED`.",
    ),
    NOTIFY_RETRY_BASE_MS: env.positiveInt(1_000).describe(
      "First retry delay, doubled each attempt (at most 5 minutes).",
    ),
    NOTIFY_POLL_MS: env.positiveInt(500).describe("How often due messages are looked for."),
  }, source);
}

/** The notification service's validated settings. */
export type NotificationConfig = ReturnType<typeof loadNotificationConfig>;
