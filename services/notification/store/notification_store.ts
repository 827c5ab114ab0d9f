import type { Sql } from "@pms/db";
import { type BillingEvent, incoming, inVersionOrder, type PatientEvent } from "@pms/events";
import { mailOutcome } from "./_mail_outcome.ts";
import type { InvoiceNotice } from "../domain/invoice_notice.ts";

/** How long a mail recorded before its patient's address arrived waits for it. */
const ADDRESS_WAIT = "1 hour";

/** A notification as the read API shows it. */
export interface Notification {
  id: string;
  patientId: string;
  type:
    | "WELCOME"
    | "INVOICE"
    | "APPOINTMENT_CONFIRMATION"
    | "APPOINTMENT_CANCELLED"
    | "APPOINTMENT_REMINDER"
    | "BREAK_GLASS";
  status: "PENDING" | "SENT" | "FAILED" | "SKIPPED";
  /** Why a message was not sent, when it was for consent: `CONSENT` (the patient denied EMAIL). */
  reason?: "CONSENT";
  createdAt: string;
}

/** A message to send, with what sending needs. */
export interface DueMessage {
  id: string;
  type: string;
  recipient: string;
  recipientName: string;
  attempts: number;
  /** What an `INVOICE` mail says; null for other types. */
  invoice: InvoiceNotice | null;
  /** When an appointment mail's appointment starts, and the zone to show it in. */
  appointment: { start: Date; timeZone: string } | null;
}

/** Storage of the notification service. */
export interface NotificationStore {
  /**
   * Applies one event once (false for a redelivery). A `PATIENT_CREATED` records a `WELCOME`
   * message: PENDING when mail can be sent, else SKIPPED. `PATIENT_CREATED`, `PATIENT_UPDATED`
   * and `PATIENT_RESTORED` also remember the patient's latest name and email (in version order);
   * `PATIENT_MERGED` forgets a merged source's email (nothing is mailed to it; its appointment
   * mails go to the patient it was merged into), `PATIENT_UNMERGED` brings it back.
   */
  record(event: PatientEvent, canSend: boolean): Promise<boolean>;
  /** {@linkcode NotificationStore.record} for many events at once; resolves with how many were new. */
  recordMany(events: PatientEvent[], canSend: boolean): Promise<number>;
  /**
   * Applies one billing event once (false for a redelivery). An `INVOICE_ISSUED` records an
   * `INVOICE` message to the patient's latest email: PENDING when mail can be sent, SKIPPED when
   * it cannot or no email is known; the other types are only recorded as processed.
   */
  recordBilling(event: BillingEvent, canSend: boolean): Promise<boolean>;
  /** {@linkcode NotificationStore.recordBilling} for many at once; resolves with how many were new. */
  recordBillingMany(events: BillingEvent[], canSend: boolean): Promise<number>;
  /** A patient's notifications, oldest first. */
  listByPatient(patientId: string): Promise<Notification[]>;
  /**
   * Leases up to `limit` due messages for `leaseMs` (so a crashed sender's messages come back)
   * and returns them. What waits for a patient who denied EMAIL consent is recorded SKIPPED with
   * reason CONSENT instead, whatever its type.
   */
  claimDue(limit: number, maxAttempts: number, leaseMs: number): Promise<DueMessage[]>;
  /** Records a successful send. */
  markSent(id: string): Promise<void>;
  /** Records a failed attempt; the message is tried again at `retryAt`. */
  markFailed(id: string, error: string, retryAt: Date): Promise<void>;
}

/** Options for {@linkcode createNotificationStore}. */
export interface NotificationStoreOptions {
  /**
   * `SECURITY_ALERT_EMAIL`: where a `PATIENT_BREAK_GLASS` event's `BREAK_GLASS` alert goes;
   * empty or absent: the alert is recorded `SKIPPED`.
   */
  securityAlertEmail?: string;
}

/** The notification store on the service's own database. */
export function createNotificationStore(
  sql: Sql,
  options: NotificationStoreOptions = {},
): NotificationStore {
  const alertTo = options.securityAlertEmail || null;
  return {
    async record(event, canSend) {
      return (await this.recordMany([event], canSend)) > 0;
    },
    // One statement (atomic on its own, one round trip, one commit for the whole batch): the
    // event ids, the versions, the contacts and the messages commit together; a repeated id
    // records nothing, and an older version of a patient than one already applied neither. The
    // applied events of a patient rise in version with `ord` (version 0 is applied in delivery
    // order), so the last one applied holds the latest contact.
    async recordMany(events, canSend) {
      if (events.length === 0) return 0;
      const rows = await sql<{ applied: number }[]>`
        with ${incoming(sql, events)},
        seen as (
          insert into processed_events (event_id) select event_id from incoming
          on conflict (event_id) do nothing returning event_id),
        fresh as (select i.* from incoming i join seen using (event_id)),
        ${inVersionOrder(sql)},
        queued as (
          insert into notifications
            (id, event_id, patient_id, type, status, reason, recipient, recipient_name)
          select gen_random_uuid(), event_id, patient_id, 'WELCOME',
                 ${mailOutcome(sql, sql`patient_id`, sql`email`, canSend)}, email, name
          from applied where event_type = 'PATIENT_CREATED'),
        alerted as (
          insert into notifications
            (id, event_id, patient_id, type, status, recipient, recipient_name)
          select gen_random_uuid(), event_id, patient_id, 'BREAK_GLASS',
                 case when ${alertTo}::text is not null and ${canSend}::boolean
                   then 'PENDING' else 'SKIPPED' end,
                 ${alertTo}::text, 'Security officer'
          from fresh where event_type = 'PATIENT_BREAK_GLASS'),
        consented as (
          insert into consents (patient_id, scope, denied, version)
          select distinct on (patient_id, consent_scope) patient_id, consent_scope,
            consent_status = 'DENIED', consent_version
          from fresh where event_type = 'PATIENT_CONSENT_CHANGED'
          order by patient_id, consent_scope, consent_version desc
          on conflict (patient_id, scope) do update
            set denied = excluded.denied, version = excluded.version
            where consents.version < excluded.version),
        contacts as (
          -- A merged source has no address of its own until it is unmerged: its appointment
          -- mails go to the patient it was merged into (mail_patient), the others are SKIPPED.
          insert into patient_contacts (patient_id, email, name, version, merged_into)
          select distinct on (patient_id) patient_id,
            case when event_type = 'PATIENT_MERGED' then '' else email end, name, version,
            case when event_type = 'PATIENT_MERGED' then merged_into end
          from applied
          where event_type in ('PATIENT_CREATED', 'PATIENT_UPDATED', 'PATIENT_RESTORED',
                               'PATIENT_MERGED', 'PATIENT_UNMERGED')
          order by patient_id, ord desc
          on conflict (patient_id) do update
            set email = excluded.email, name = excluded.name,
                merged_into = excluded.merged_into,
                version = greatest(patient_contacts.version, excluded.version))
        select count(*)::int as applied from applied`;
      return rows[0]?.applied ?? 0;
    },
    async recordBilling(event, canSend) {
      return (await this.recordBillingMany([event], canSend)) > 0;
    },
    // One statement as well: the event ids and the INVOICE messages commit together, and a
    // repeated id records nothing. The total is still wholly due when the invoice is issued.
    async recordBillingMany(events, canSend) {
      if (events.length === 0) return 0;
      const rows = await sql<{ applied: number }[]>`
        with incoming as (
          select distinct on (event_id) * from unnest(
            ${events.map((e) => e.eventId)}::uuid[],
            ${events.map((e) => e.eventType)}::text[],
            ${events.map((e) => e.patientId)}::uuid[],
            ${events.map((e) => e.invoiceNumber)}::text[],
            ${events.map((e) => String(e.amount))}::bigint[],
            ${events.map((e) => e.currency)}::text[]
          ) with ordinality as e(event_id, event_type, patient_id, invoice_number, amount, currency,
                                 ord)
          order by event_id, ord),
        seen as (
          insert into processed_events (event_id) select event_id from incoming
          on conflict (event_id) do nothing returning event_id),
        fresh as (select i.* from incoming i join seen using (event_id)),
        queued as (
          insert into notifications
            (id, event_id, patient_id, type, status, reason, recipient, recipient_name,
             invoice_number, invoice_total, invoice_due, currency)
          select gen_random_uuid(), f.event_id, f.patient_id, 'INVOICE',
                 ${mailOutcome(sql, sql`f.patient_id`, sql`c.email`, canSend)},
                 nullif(c.email, ''), coalesce(c.name, ''),
                 f.invoice_number, f.amount, f.amount, f.currency
          from fresh f left join patient_contacts c using (patient_id)
          where f.event_type = 'INVOICE_ISSUED')
        select count(*)::int as applied from fresh`;
      return rows[0]?.applied ?? 0;
    },
    async listByPatient(patientId) {
      const rows = await sql<
        {
          id: string;
          patient_id: string;
          type: Notification["type"];
          status: Notification["status"];
          reason: "CONSENT" | null;
          created_at: Date;
        }[]
      >`
        select id, patient_id, type, status, reason, created_at from notifications
        where patient_id = ${patientId} and type <> 'BREAK_GLASS' order by created_at, id`;
      return rows.map((r) => ({
        id: r.id,
        patientId: r.patient_id,
        type: r.type,
        status: r.status,
        ...(r.reason && { reason: r.reason }),
        createdAt: r.created_at.toISOString(),
      }));
    },
    async claimDue(limit, maxAttempts, leaseMs) {
      // A patient who denied EMAIL gets no mail: what waits for them is recorded SKIPPED. A
      // security alert goes to the security officer, not to the patient: consent does not apply.
      await sql`
        update notifications set status = 'SKIPPED', reason = 'CONSENT'
        where status in ('PENDING', 'FAILED') and next_attempt_at <= now()
          and type <> 'BREAK_GLASS'
          and patient_id in (select patient_id from consents where scope = 'EMAIL' and denied)`;
      // A mail made before its patient's address arrived takes the address now; one whose
      // address has not come within ADDRESS_WAIT is SKIPPED (the patient is not mailable).
      await sql`
        update notifications n set recipient = c.email, recipient_name = c.name
        from patient_contacts c
        where n.status = 'PENDING' and n.recipient is null and c.patient_id = n.patient_id
          and c.email <> ''`;
      await sql`
        update notifications set status = 'SKIPPED'
        where status = 'PENDING' and recipient is null
          and created_at < now() - ${ADDRESS_WAIT}::interval`;
      const rows = await sql<
        {
          id: string;
          type: string;
          recipient: string;
          recipient_name: string;
          attempts: number;
          invoice_number: string | null;
          invoice_total: string | null;
          invoice_due: string | null;
          currency: string | null;
          appointment_start: Date | null;
          time_zone: string | null;
        }[]
      >`
        update notifications set next_attempt_at = now() + ${leaseMs} * interval '1 millisecond'
        where id in (
          select id from notifications
          where status in ('PENDING', 'FAILED') and attempts < ${maxAttempts}
            and next_attempt_at <= now() and recipient is not null
          order by next_attempt_at
          limit ${limit}
          for update skip locked)
        returning id, type, recipient, recipient_name, attempts, invoice_number,
          invoice_total::text, invoice_due::text, currency, appointment_start, time_zone`;
      return rows.map((r) => ({
        id: r.id,
        type: r.type,
        recipient: r.recipient,
        recipientName: r.recipient_name,
        attempts: r.attempts,
        invoice: r.invoice_number === null ? null : {
          number: r.invoice_number,
          total: Number(r.invoice_total),
          due: Number(r.invoice_due),
          currency: r.currency ?? "",
        },
        appointment: r.appointment_start === null
          ? null
          : { start: r.appointment_start, timeZone: r.time_zone ?? "UTC" },
      }));
    },
    async markSent(id) {
      await sql`
        update notifications set status = 'SENT', sent_at = now(), attempts = attempts + 1,
          last_error = null where id = ${id}`;
    },
    async markFailed(id, error, retryAt) {
      await sql`
        update notifications set status = 'FAILED', attempts = attempts + 1,
          last_error = ${error.slice(0, 500)}, next_attempt_at = ${retryAt} where id = ${id}`;
    },
  };
}
