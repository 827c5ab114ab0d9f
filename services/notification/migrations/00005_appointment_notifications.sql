-- Appointment mails (APPOINTMENT_CONFIRMATION, APPOINTMENT_CANCELLED, APPOINTMENT_REMINDER) carry
-- the appointment and its start, shown in the schedule's time zone; never its reason.
alter table notifications
  add column appointment_id uuid,
  add column appointment_start timestamptz,
  add column time_zone text,
  add constraint notifications_appointment check (
    type not like 'APPOINTMENT_%' or (appointment_id is not null
      and appointment_start is not null and time_zone is not null));

-- One reminder per appointment, due REMINDER_LEAD_MINUTES before its start: WAITING while the
-- appointment is BOOKED (moved with it, in version order), SENT once its notification is recorded
-- (in the same statement, so a restart or a second instance never sends it twice), DROPPED when
-- the appointment stops being BOOKED.
create table appointment_reminders (
  appointment_id uuid primary key,
  patient_id uuid not null,
  start_at timestamptz not null,
  time_zone text not null,
  due_at timestamptz not null,
  version bigint not null,
  state text not null default 'WAITING' check (state in ('WAITING', 'SENT', 'DROPPED')),
  updated_at timestamptz not null default now()
);
create index appointment_reminders_due on appointment_reminders (due_at) where state = 'WAITING';
