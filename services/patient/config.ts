import { backServiceShape, env, loadConfig, shapes } from "@pms/config";
import { gatewayFhirBase, loopbackJwksUrl, loopbackUrl, topology } from "../catalog.ts";

const self = topology("patient");
const billing = topology("billing");

/**
 * Loads the patient service's settings (defaults from `services/catalog.json`); each variable's
 * meaning is its description, listed in `docs/configuration.md` (`deno task docs`).
 */
export function loadPatientConfig(
  source: Record<string, string | undefined> = Deno.env.toObject(),
) {
  return loadConfig({
    ...backServiceShape(self.port, loopbackJwksUrl()),
    ...shapes.bodyLimit(16 * 1024),
    ...shapes.paging(),
    LIST_CACHE_PAGES: env.nonNegativeInt(256).describe(
      "Patient list pages kept in memory, each answered again only while the database says no " +
        "patient changed since; 0 keeps none.",
    ),
    SEED_DEMO_DATA: env.boolean(source.APP_ENV !== "production").describe(
      "Insert the 15 demo patients once per database; defaults to false when " +
        "`APP_ENV=production`.",
    ),
    ...shapes.kafka(),
    OUTBOX_BATCH_SIZE: env.positiveInt(500).describe(
      "Events the outbox relay publishes in one batch.",
    ),
    OUTBOX_POLL_MS: env.positiveInt(1000).describe(
      "The relay's and billing dispatcher's idle poll: a commit in the same process wakes them " +
        "at once, so this bounds how soon work queued by another instance leaves.",
    ),
    ...shapes.billingClient(`127.0.0.1:${billing.grpcPort}`, {
      where: "new patients' billing accounts are opened",
      call: "CreateBillingAccounts",
      what: "an account's opening",
    }),
    ...shapes.idempotency(),
    MERGE_UNDO_DAYS: env.positiveInt(30).describe(
      "How many days a patient merge can be undone (`POST /api/patients/{id}/unmerge`).",
    ),
    SCHEDULING_URL: env.url().default(loopbackUrl("scheduling")).describe(
      "The scheduling service, asked for a patient's Appointments by `$everything`.",
    ),
    CLINICAL_URL: env.url().default(loopbackUrl("clinical")).describe(
      "The clinical service, asked for a patient's Encounters and Observations by `$everything`.",
    ),
    EXPORT_TTL_HOURS: env.positiveInt(24).describe(
      "How long a bulk export's files are kept after it started; then the job and its files go.",
    ),
    BREAK_GLASS_MINUTES: env.positiveInt(60).describe(
      "How long a break-glass grant opens a restricted record to the user who asked for it.",
    ),
    ...shapes.fhirBase(gatewayFhirBase()),
  }, source);
}

/** The patient service's validated settings. */
export type PatientConfig = ReturnType<typeof loadPatientConfig>;
