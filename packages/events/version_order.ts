import type { Tx } from "@pms/db";
import type { PatientEvent } from "./patient_event.ts";

/**
 * The SQL of a consumed batch, as common table expressions for the consumer's one statement:
 *
 * - `incoming` — the batch's events (each id once, in delivery order `ord`): `event_id`,
 *   `event_type`, `patient_id`, `email`, `name`, `occurred_at`, `version`, and for a consent
 *   change `consent_scope`, `consent_status`, `consent_version`, and for a merge or unmerge
 *   `merged_into` (null otherwise);
 *
 * and, given a CTE `fresh` of the events not seen before (the consumer records ids itself):
 *
 * - `applied` — those that are newer than every version applied before for their patient (and
 *   than the patient's earlier events in the batch); an older version delivered after a newer
 *   one is ignored. Version 0 (a producer that did not say) is always applied.
 * - `bumped` — records each patient's newest applied version in `patient_versions`.
 *
 * ```ts
 * sql`with ${incoming(sql, events)},
 *   seen as (insert into processed_events (event_id) select event_id from incoming
 *            on conflict do nothing returning event_id),
 *   fresh as (select i.* from incoming i join seen using (event_id)),
 *   ${inVersionOrder(sql)}
 * select count(*) from applied`;
 * ```
 */
export function incoming(sql: Tx, events: PatientEvent[]) {
  return sql`incoming as (
    select distinct on (event_id) * from unnest(
      ${events.map((e) => e.eventId)}::uuid[],
      ${events.map((e) => e.eventType)}::text[],
      ${events.map((e) => e.patientId)}::uuid[],
      ${events.map((e) => e.email)}::text[],
      ${events.map((e) => e.name)}::text[],
      ${events.map((e) => e.occurredAt.toISOString())}::timestamptz[],
      ${events.map((e) => e.version)}::bigint[],
      ${events.map((e) => e.consent?.scope ?? null)}::text[],
      ${events.map((e) => e.consent?.status ?? null)}::text[],
      ${events.map((e) => e.consent?.version ?? null)}::bigint[],
      ${events.map((e) => e.mergedInto ?? null)}::uuid[]
    ) with ordinality as e(event_id, event_type, patient_id, email, name, occurred_at, version,
                           consent_scope, consent_status, consent_version, merged_into, ord)
    order by event_id, ord)`;
}

/** See {@linkcode incoming}: the `ranked`, `applied` and `bumped` expressions over `fresh`. */
export function inVersionOrder(sql: Tx) {
  return sql`
    ranked as (
      select f.*, coalesce(v.version, 0) as stored,
        coalesce(max(f.version) over (
          partition by f.patient_id order by f.ord
          rows between unbounded preceding and 1 preceding), 0) as earlier
      from fresh f left join patient_versions v using (patient_id)),
    applied as (
      select * from ranked where version = 0 or version > greatest(stored, earlier)),
    bumped as (
      insert into patient_versions (patient_id, version)
      select patient_id, max(version) from applied where version > 0 group by patient_id
      on conflict (patient_id) do update
        set version = greatest(patient_versions.version, excluded.version))`;
}
