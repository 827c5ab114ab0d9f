-- Schedules (a practitioner's or a room's weekly availability in its own time zone) and their
-- appointments. No double booking under any concurrency: two exclusion constraints refuse a live
-- appointment (BOOKED, ARRIVED, FULFILLED) overlapping another of the same schedule or of the
-- same patient, whichever instance or service writes it.
create extension if not exists btree_gist;

create table schedules (
  id uuid primary key,
  name text not null,
  kind text not null check (kind in ('PRACTITIONER', 'ROOM')),
  practitioner_id uuid,
  time_zone text not null,
  slot_minutes int not null check (slot_minutes between 5 and 240),
  availability jsonb not null,
  active boolean not null default true,
  version int not null default 1,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  check ((kind = 'PRACTITIONER') = (practitioner_id is not null))
);
create index schedules_by_name on schedules (name, id);
create index schedules_by_practitioner on schedules (practitioner_id) where practitioner_id is not null;

create table appointments (
  id uuid primary key,
  patient_id uuid not null,
  schedule_id uuid not null references schedules (id),
  start_at timestamptz not null,
  end_at timestamptz not null check (end_at > start_at),
  status text not null check (status in ('BOOKED', 'ARRIVED', 'FULFILLED', 'CANCELLED', 'NOSHOW')),
  reason text,
  status_reason text,
  booked_by text not null,
  version int not null default 1,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  constraint appointments_schedule_free exclude using gist (
    schedule_id with =, tstzrange(start_at, end_at) with &&
  ) where (status in ('BOOKED', 'ARRIVED', 'FULFILLED')),
  constraint appointments_patient_free exclude using gist (
    patient_id with =, tstzrange(start_at, end_at) with &&
  ) where (status in ('BOOKED', 'ARRIVED', 'FULFILLED'))
);
create index appointments_by_start on appointments (start_at, id);
create index appointments_by_patient on appointments (patient_id, start_at);

-- Encounter events already applied (topic `clinical`), so a redelivery changes nothing.
create table processed_events (
  event_id uuid primary key,
  processed_at timestamptz not null default now()
);
