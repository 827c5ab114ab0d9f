/**
 * How long patient events take from creation to being counted by analytics, read from the
 * databases: the patient service's rows and analytics' `processed_events`.
 *
 * @module
 */
import postgres from "postgres";
import { sleep } from "./_util.ts";

/** A connection to analytics' database. */
export type AnalyticsDb = ReturnType<typeof postgres>;

/** The creations since a moment, and the lag of each one analytics consumed. */
export interface EventLag {
  /** Patients created since then. */
  created: number;
  /** Commit → consumed, in ms, ascending; fewer than `created` when some never arrived. */
  lags: number[];
}

/**
 * Waits (up to `timeoutMs`) until analytics has consumed every patient created since `since`,
 * and returns each creation's lag from its commit to its consumption.
 */
export async function eventLagSince(
  databaseUrls: { patient: string; analytics: string },
  since: Date,
  timeoutMs = 120_000,
): Promise<EventLag> {
  const analytics = postgres(databaseUrls.analytics, { max: 1, onnotice: () => {} });
  const patient = postgres(databaseUrls.patient, { max: 1, onnotice: () => {} });
  const [counted] = await patient<{ created: number }[]>`
    select count(*)::int as created from patients where created_at >= ${since}`;
  const created = counted?.created ?? 0;
  await patient.end();
  const deadline = Date.now() + timeoutMs;
  let lags: number[] = [];
  try {
    while (Date.now() < deadline) {
      lags = (await analytics<{ ms: number }[]>`
        select extract(epoch from (consumed_at - occurred_at)) * 1000 as ms from processed_events
        where event_type = 'PATIENT_CREATED' and occurred_at >= ${since}`).map((r) => Number(r.ms));
      if (lags.length >= created) break;
      await sleep(500);
    }
  } finally {
    await analytics.end();
  }
  return { created, lags: lags.sort((a, b) => a - b) };
}

/**
 * Waits (up to `timeoutMs`) until analytics has consumed the creation of every patient of `ids`;
 * returns when each was consumed (ms since the epoch) by id, for those that were.
 */
export async function consumedAt(
  analytics: AnalyticsDb,
  ids: string[],
  timeoutMs = 300_000,
): Promise<Map<string, number>> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const rows = await analytics<{ patientId: string; at: Date }[]>`
      select patient_id as "patientId", consumed_at as at from processed_events
      where event_type = 'PATIENT_CREATED' and patient_id = any(${ids}::uuid[])`;
    if (rows.length >= ids.length || Date.now() > deadline) {
      return new Map(rows.map((r) => [r.patientId, r.at.getTime()]));
    }
    await sleep(200);
  }
}
