-- Every event applied, by id: a redelivered event is recognised and changes nothing.
create table processed_events (
  event_id uuid primary key,
  consumed_at timestamptz not null default now()
);

create table notifications (
  id uuid primary key,
  event_id uuid not null unique,
  patient_id uuid not null,
  type text not null,
  status text not null check (status in ('PENDING', 'SENT', 'FAILED', 'SKIPPED')),
  recipient text not null,
  recipient_name text not null,
  attempts integer not null default 0,
  next_attempt_at timestamptz not null default now(),
  last_error text,
  created_at timestamptz not null default now(),
  sent_at timestamptz
);

create index notifications_patient on notifications (patient_id, created_at);
create index notifications_due on notifications (next_attempt_at)
  where status in ('PENDING', 'FAILED');
