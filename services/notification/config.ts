import { backServiceShape, env, everyEventTopicShape, loadConfig, shapes } from "@pms/config";
import { groupOf, loopbackJwksUrl, loopbackUrl, topology } from "../catalog.ts";

const self = topology("notification");

/**
 * Loads the notification service's settings (defaults from `services/catalog.json`); each variable's
 * meaning is its description, listed in `docs/configuration.md` (`deno task docs`).
 */
export function loadNotificationConfig(source?: Record<string, string | undefined>) {
  return loadConfig({
    ...backServiceShape(self.port, loopbackJwksUrl()),
    ...everyEventTopicShape((topic) => groupOf(self, topic)),
    WEBHOOK_ALLOW_INSECURE: env.boolean(false).describe(
      "Let webhooks call plain `http://` receivers and loopback or private addresses (`deno task " +
        "dev` sets it for local work; production refuses it). Credentials in the URL and " +
        "link-local or metadata addresses stay refused.",
    ),
    WEBHOOK_RETRY_SECONDS: env.string("5,30,120,600,3600,21600,43200").refine(
      (value) => /^\d{1,6}(,\d{1,6}){0,19}$/.test(value),
      "must be 1 to 20 whole numbers of seconds, comma-separated",
    ).transform((value) => value.split(",").map(Number)).describe(
      "The waits before each retry of a webhook delivery that failed; after the last, FAILED.",
    ),
    WEBHOOK_TIMEOUT_MS: env.positiveInt(10_000).describe(
      "Time a webhook receiver has to answer an attempt.",
    ),
    ...shapes.paging(),
    ...shapes.idempotency(),
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
    SECURITY_ALERT_EMAIL: env.string("").refine(
      (value) => value === "" || /^[^\s@]+@[^\s@]+$/.test(value),
      "must be an email address",
    ).describe(
      "Where security alerts go (a break-glass grant: who, why and until when, never patient " +
        "data); empty: the alert is recorded `SKIPPED`.",
    ),
    NOTIFY_MAX_ATTEMPTS: env.positiveInt(8).describe(
      "Sending attempts before a message stays `FAILED`.",
    ),
    NOTIFY_RETRY_BASE_MS: env.positiveInt(1_000).describe(
      "First retry delay, doubled each attempt (at most 5 minutes).",
    ),
    NOTIFY_POLL_MS: env.positiveInt(500).describe("How often due messages are looked for."),
    PATIENT_URL: env.url().default(loopbackUrl("patient")).describe(
      "The patient service, asked whether the patient of a message is restricted to others.",
    ),
  }, source);
}

/** The notification service's validated settings. */
export type NotificationConfig = ReturnType<typeof loadNotificationConfig>;
