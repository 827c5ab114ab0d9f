import type { Fragment, Sql } from "@pms/db";
import { type BillingEvent, incoming, inVersionOrder, type PatientEvent } from "@pms/events";

/** The totals served by `GET /analytics/summary`. */
export interface AnalyticsSummary {
  patientsCreated: number;
  patientsUpdated: number;
  patientsDeleted: number;
  patientsRestored: number;
  /** `INVOICE_ISSUED` events. */
  invoicesIssued: number;
  /** `PAYMENT_RECEIVED` events. */
  paymentsReceived: number;
  /**
   * Σ of the payments' amounts per currency (integer minor units), by currency code. Summed
   * exactly in SQL (`bigint`); a JSON number is exact up to 2^53 − 1 minor units per currency.
   */
  revenue: { amount: number; currency: string }[];
  /** `APPOINTMENT_BOOKED` events. */
  appointmentsBooked: number;
  /** Appointments moved to `CANCELLED`. */
  appointmentsCancelled: number;
  /** Appointments moved to `NOSHOW`. */
  noShows: number;
  /** `ENCOUNTER_FINISHED` events. */
  encountersFinished: number;
  /** Every event applied: patient, billing, appointment and encounter ones. */
  eventsConsumed: number;
  lastEventAt: string | null;
}

/** An event counted under a key of its own (`APPOINTMENT_CANCELLED`, `ENCOUNTER_FINISHED`). */
export interface KeyedEvent {
  eventId: string;
  key: string;
  patientId: string;
  occurredAt: Date;
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
  /**
   * Applies billing events at once, each id once: counts them per type and adds each
   * `PAYMENT_RECEIVED` amount to its currency's revenue; resolves with how many were new.
   */
  recordBillingMany(events: BillingEvent[]): Promise<number>;
  /**
   * Applies events of other topics (appointment, encounter) at once, each id once, counted under
   * their `key`; resolves with how many were new.
   */
  recordKeyedMany(events: KeyedEvent[]): Promise<number>;
  /** The current totals. */
  summary(): Promise<AnalyticsSummary>;
}

/**
 * Applies `incoming` (rows of `event_id`, `event_type`, `patient_id`, `occurred_at`, …) in one
 * statement: the ids, the counts per type and `also` (more CTEs over `applied`) commit together,
 * and a repeated id changes none of them. Count rows are upserted in key order, so concurrent
 * batches lock them in the same order. Resolves with how many were new.
 */
async function countOnce(sql: Sql, incoming: Fragment, also?: Fragment): Promise<number> {
  const rows = await sql<{ applied: number }[]>`
    with incoming as (${incoming}),
    seen as (
      insert into processed_events (event_id, event_type, patient_id, occurred_at)
      select event_id, event_type, patient_id, occurred_at from incoming
      on conflict (event_id) do nothing
      returning event_id),
    applied as (select i.* from incoming i join seen using (event_id)),
    counted as (
      insert into event_counts (event_type, count, last_event_at)
      select event_type, count(*), max(occurred_at) from applied
      group by event_type order by event_type
      on conflict (event_type) do update
        set count = event_counts.count + excluded.count,
            last_event_at = greatest(event_counts.last_event_at, excluded.last_event_at))
    ${also ?? sql``}
    select count(*)::int as applied from applied`;
  return rows[0]?.applied ?? 0;
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
    // One statement too: the ids, the counts and the revenue commit together, and a repeated id
    // changes none of them. INVOICE_PAID adds no revenue (its money came as PAYMENT_RECEIVED).
    // Rows are upserted in key order, so concurrent batches lock them in the same order.
    async recordBillingMany(events) {
      if (events.length === 0) return 0;
      const incoming = sql`
        select distinct on (event_id) * from unnest(
          ${events.map((e) => e.eventId)}::uuid[],
          ${events.map((e) => e.eventType)}::text[],
          ${events.map((e) => e.patientId)}::uuid[],
          ${events.map((e) => e.occurredAt.toISOString())}::timestamptz[],
          ${events.map((e) => String(e.amount))}::bigint[],
          ${events.map((e) => e.currency)}::text[]
        ) with ordinality as e(event_id, event_type, patient_id, occurred_at, amount, currency, ord)
        order by event_id, ord`;
      return await countOnce(
        sql,
        incoming,
        sql`, earned as (
          insert into revenue (currency, amount)
          select currency, sum(amount)::bigint from applied
          where event_type = 'PAYMENT_RECEIVED' group by currency order by currency
          on conflict (currency) do update set amount = revenue.amount + excluded.amount)`,
      );
    },
    // One statement: the ids and the counts commit together; a repeated id counts nothing.
    async recordKeyedMany(events) {
      if (events.length === 0) return 0;
      const incoming = sql`
        select distinct on (event_id) * from unnest(
          ${events.map((e) => e.eventId)}::uuid[],
          ${events.map((e) => e.key)}::text[],
          ${events.map((e) => e.patientId)}::uuid[],
          ${events.map((e) => e.occurredAt.toISOString())}::timestamptz[]
        ) with ordinality as e(event_id, event_type, patient_id, occurred_at, ord)
        order by event_id, ord`;
      return await countOnce(sql, incoming);
    },
    async summary() {
      const [rows, revenue] = await Promise.all([
        sql<{ event_type: string; count: string; last_event_at: Date | null }[]>`
          select event_type, count, last_event_at from event_counts`,
        // bigint arrives as a string: exact, and a number within 2^53 (see AnalyticsSummary).
        sql<{ currency: string; amount: string }[]>`
          select currency, amount::text from revenue order by currency`,
      ]);
      const count = (type: string) => Number(rows.find((r) => r.event_type === type)?.count ?? 0);
      const last = rows.map((r) => r.last_event_at).filter((d): d is Date => d !== null)
        .sort((a, b) => b.getTime() - a.getTime())[0];
      return {
        patientsCreated: count("PATIENT_CREATED"),
        patientsUpdated: count("PATIENT_UPDATED"),
        patientsDeleted: count("PATIENT_DELETED"),
        patientsRestored: count("PATIENT_RESTORED"),
        invoicesIssued: count("INVOICE_ISSUED"),
        paymentsReceived: count("PAYMENT_RECEIVED"),
        appointmentsBooked: count("APPOINTMENT_BOOKED"),
        appointmentsCancelled: count("APPOINTMENT_CANCELLED"),
        noShows: count("APPOINTMENT_NOSHOW"),
        encountersFinished: count("ENCOUNTER_FINISHED"),
        revenue: revenue.map((r) => ({ amount: Number(r.amount), currency: r.currency })),
        eventsConsumed: rows.reduce((sum, r) => sum + Number(r.count), 0),
        lastEventAt: last?.toISOString() ?? null,
      };
    },
  };
}
