import type { Sql } from "@pms/db";
import { incoming, inVersionOrder, type PatientEvent } from "@pms/events";

/** The totals served by `GET /analytics/summary`. */
export interface AnalyticsSummary {
  patientsCreated: number;
  patientsUpdated: number;
  patientsDeleted: number;
  patientsRestored: number;
  eventsConsumed: number;
  lastEventAt: string | null;
}

/** Storage of the analytics service. */
export interface AnalyticsStore {
  /** Applies one event once: false when its id was seen before (a redelivery). */
  record(event: PatientEvent): Promise<boolean>;
  /**
   * Applies events at once, each once and one patient's in version order; resolves with how many
   * took effect (not redeliveries, not versions older than one applied).
   */
  recordMany(events: PatientEvent[]): Promise<number>;
  /** The current totals. */
  summary(): Promise<AnalyticsSummary>;
}

/** The analytics store on the service's own database. */
export function createAnalyticsStore(sql: Sql): AnalyticsStore {
  return {
    async record(event) {
      return (await this.recordMany([event])) > 0;
    },
    // One statement (atomic on its own, one round trip, one commit for the whole batch): the
    // event ids, the versions and the count changes commit together; a repeated id changes
    // nothing, and an older version of a patient than one already applied counts nothing.
    async recordMany(events) {
      if (events.length === 0) return 0;
      const rows = await sql<{ applied: number }[]>`
        with ${incoming(sql, events)},
        seen as (
          insert into processed_events (event_id, event_type, patient_id, occurred_at)
          select event_id, event_type, patient_id, occurred_at from incoming
          on conflict (event_id) do nothing
          returning event_id),
        fresh as (select i.* from incoming i join seen using (event_id)),
        ${inVersionOrder(sql)},
        counted as (
          insert into event_counts (event_type, count, last_event_at)
          select event_type, count(*), max(occurred_at) from applied group by event_type
          on conflict (event_type) do update
            set count = event_counts.count + excluded.count,
                last_event_at = greatest(event_counts.last_event_at, excluded.last_event_at))
        select count(*)::int as applied from applied`;
      return rows[0]?.applied ?? 0;
    },
    async summary() {
      const rows = await sql<{ event_type: string; count: string; last_event_at: Date | null }[]>`
        select event_type, count, last_event_at from event_counts`;
      const count = (type: string) => Number(rows.find((r) => r.event_type === type)?.count ?? 0);
      const last = rows.map((r) => r.last_event_at).filter((d): d is Date => d !== null)
        .sort((a, b) => b.getTime() - a.getTime())[0];
      return {
        patientsCreated: count("PATIENT_CREATED"),
        patientsUpdated: count("PATIENT_UPDATED"),
        patientsDeleted: count("PATIENT_DELETED"),
        patientsRestored: count("PATIENT_RESTORED"),
        eventsConsumed: rows.reduce((sum, r) => sum + Number(r.count), 0),
        lastEventAt: last?.toISOString() ?? null,
      };
    },
  };
}
