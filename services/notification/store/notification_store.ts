import type { Sql } from "@pms/db";
import { incoming, inVersionOrder, type PatientEvent } from "@pms/events";

/** A notification as the read API shows it. */
export interface Notification {
  id: string;
  patientId: string;
  type: string;
  status: "PENDING" | "SENT" | "FAILED" | "SKIPPED";
  createdAt: string;
}

/** A message to send, with what sending needs. */
export interface DueMessage {
  id: string;
  type: string;
  recipient: string;
  recipientName: string;
  attempts: number;
}

/** Storage of the notification service. */
export interface NotificationStore {
  /**
   * Applies one event once (false for a redelivery). A `PATIENT_CREATED` records a `WELCOME`
   * message: PENDING when mail can be sent, else SKIPPED.
   */
  record(event: PatientEvent, canSend: boolean): Promise<boolean>;
  /** {@linkcode NotificationStore.record} for many events at once; resolves with how many were new. */
  recordMany(events: PatientEvent[], canSend: boolean): Promise<number>;
  /** A patient's notifications, oldest first. */
  listByPatient(patientId: string): Promise<Notification[]>;
  /**
   * Leases up to `limit` due messages for `leaseMs` (so a crashed sender's messages come back)
   * and returns them.
   */
  claimDue(limit: number, maxAttempts: number, leaseMs: number): Promise<DueMessage[]>;
  /** Records a successful send. */
  markSent(id: string): Promise<void>;
  /** Records a failed attempt; the message is tried again at `retryAt`. */
  markFailed(id: string, error: string, retryAt: Date): Promise<void>;
}

/** The notification store on the service's own database. */
export function createNotificationStore(sql: Sql): NotificationStore {
  return {
    async record(event, canSend) {
      return (await this.recordMany([event], canSend)) > 0;
    },
    // One statement (atomic on its own, one round trip, one commit for the whole batch): the
    // event ids, the versions and their messages commit together; a repeated id records nothing,
    // and an older version of a patient than one already applied neither.
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
            (id, event_id, patient_id, type, status, recipient, recipient_name)
          select gen_random_uuid(), event_id, patient_id, 'WELCOME',
                 ${canSend ? "PENDING" : "SKIPPED"}, email, name
          from applied where event_type = 'PATIENT_CREATED')
        select count(*)::int as applied from applied`;
      return rows[0]?.applied ?? 0;
    },
    async listByPatient(patientId) {
      const rows = await sql<
        {
          id: string;
          patient_id: string;
          type: string;
          status: Notification["status"];
          created_at: Date;
        }[]
      >`
        select id, patient_id, type, status, created_at from notifications
        where patient_id = ${patientId} order by created_at, id`;
      return rows.map((r) => ({
        id: r.id,
        patientId: r.patient_id,
        type: r.type,
        status: r.status,
        createdAt: r.created_at.toISOString(),
      }));
    },
    async claimDue(limit, maxAttempts, leaseMs) {
      const rows = await sql<
        { id: string; type: string; recipient: string; recipient_name: string; attempts: number }[]
      >`
        update notifications set next_attempt_at = now() + ${leaseMs} * interval '1 millisecond'
        where id in (
          select id from notifications
          where status in ('PENDING', 'FAILED') and attempts < ${maxAttempts}
            and next_attempt_at <= now()
          order by next_attempt_at
          limit ${limit}
          for update skip locked)
        returning id, type, recipient, recipient_name, attempts`;
      return rows.map((r) => ({
        id: r.id,
        type: r.type,
        recipient: r.recipient,
        recipientName: r.recipient_name,
        attempts: r.attempts,
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
