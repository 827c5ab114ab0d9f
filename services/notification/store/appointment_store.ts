import type { Sql } from "@pms/db";
import type { AppointmentEvent } from "@pms/events";
import { mailOutcome } from "./_mail_outcome.ts";

/** Storage of the appointment mails and reminders. */
export interface AppointmentNotificationStore {
  /**
   * Applies appointment events, each id once, in one transaction: a booking records an
   * `APPOINTMENT_CONFIRMATION` and its reminder, due `leadMinutes` before the start; a change
   * moves the reminder; a cancellation records an `APPOINTMENT_CANCELLED`; any status but
   * `BOOKED` drops the reminder. Mails go to the patient's latest email, PENDING when mail can be
   * sent, else SKIPPED. A mail about a merged source is about the patient it was merged into
   * (scheduling re-points the appointment there). Resolves with how many events were new.
   */
  record(events: AppointmentEvent[], canSend: boolean, leadMinutes: number): Promise<number>;
  /**
   * Turns up to `limit` due reminders into `APPOINTMENT_REMINDER` notifications, each once (the
   * reminder is marked SENT by the statement that records it). Resolves with how many.
   */
  queueDueReminders(canSend: boolean, limit: number): Promise<number>;
}

/** The appointment notification store on the service's own database. */
export function createAppointmentStore(sql: Sql): AppointmentNotificationStore {
  return {
    async record(events, canSend, leadMinutes) {
      if (events.length === 0) return 0;
      const ordered = [...events].sort((a, b) => a.version - b.version);
      return await sql.begin(async (tx) => {
        let applied = 0;
        for (const e of ordered) {
          const [fresh] = await tx`
            insert into processed_events (event_id) values (${e.eventId})
            on conflict (event_id) do nothing returning event_id`;
          if (!fresh) continue;
          applied++;
          const mail = e.eventType === "APPOINTMENT_BOOKED"
            ? "APPOINTMENT_CONFIRMATION"
            : e.eventType === "APPOINTMENT_STATUS_CHANGED" && e.status === "CANCELLED"
            ? "APPOINTMENT_CANCELLED"
            : undefined;
          if (mail) {
            await tx`
              insert into notifications
                (id, event_id, patient_id, type, status, reason, recipient, recipient_name,
                 appointment_id, appointment_start, time_zone)
              select gen_random_uuid(), ${e.eventId}, m.patient_id, ${mail},
                ${
              mailOutcome(
                sql,
                sql`m.patient_id`,
                sql`c.email`,
                canSend,
                sql`c.patient_id is not null`,
              )
            },
                nullif(c.email, ''), coalesce(c.name, ''),
                ${e.appointmentId}, ${e.start}, ${e.timeZone || "UTC"}
              from (select mail_patient(${e.patientId}::uuid) as patient_id) m
                left join patient_contacts c using (patient_id)`;
          }
          const due = new Date(e.start.getTime() - leadMinutes * 60_000);
          if (e.status === "BOOKED") {
            // Waiting again when the start moved (a reminder of the old time does not count).
            await tx`
              insert into appointment_reminders
                (appointment_id, patient_id, start_at, time_zone, due_at, version)
              values (${e.appointmentId}, ${e.patientId}, ${e.start}, ${e.timeZone || "UTC"},
                      ${due}, ${e.version})
              on conflict (appointment_id) do update set
                patient_id = excluded.patient_id,
                start_at = excluded.start_at, time_zone = excluded.time_zone,
                due_at = excluded.due_at, version = excluded.version, updated_at = now(),
                state = case
                  when appointment_reminders.state = 'SENT'
                    and appointment_reminders.start_at = excluded.start_at then 'SENT'
                  else 'WAITING' end
              where appointment_reminders.version < excluded.version`;
          } else {
            await tx`
              insert into appointment_reminders
                (appointment_id, patient_id, start_at, time_zone, due_at, version, state)
              values (${e.appointmentId}, ${e.patientId}, ${e.start}, ${e.timeZone || "UTC"},
                      ${due}, ${e.version}, 'DROPPED')
              on conflict (appointment_id) do update set
                version = excluded.version, updated_at = now(),
                state = case when appointment_reminders.state = 'SENT' then 'SENT'
                  else 'DROPPED' end
              where appointment_reminders.version < excluded.version`;
          }
        }
        return applied;
      });
    },

    async queueDueReminders(canSend, limit) {
      const [row] = await sql<{ queued: number }[]>`
        with due as (
          update appointment_reminders set state = 'SENT', updated_at = now()
          where appointment_id in (
            select appointment_id from appointment_reminders
            where state = 'WAITING' and due_at <= now()
            order by due_at limit ${limit}
            for update skip locked)
          returning appointment_id, mail_patient(patient_id) as patient_id, start_at, time_zone),
        queued as (
          insert into notifications
            (id, event_id, patient_id, type, status, reason, recipient, recipient_name,
             appointment_id, appointment_start, time_zone)
          select gen_random_uuid(), gen_random_uuid(), d.patient_id, 'APPOINTMENT_REMINDER',
            ${
        mailOutcome(sql, sql`d.patient_id`, sql`c.email`, canSend, sql`c.patient_id is not null`)
      },
            nullif(c.email, ''), coalesce(c.name, ''), d.appointment_id, d.start_at, d.time_zone
          from due d left join patient_contacts c using (patient_id)
          returning 1)
        select count(*)::int as queued from queued`;
      return row?.queued ?? 0;
    },
  };
}
