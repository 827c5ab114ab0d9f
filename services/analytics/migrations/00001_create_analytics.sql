-- Every event applied, by id: a redelivered event is recognised and changes nothing.
create table processed_events (
  event_id uuid primary key,
  event_type text not null,
  patient_id uuid not null,
  occurred_at timestamptz not null,
  consumed_at timestamptz not null default now()
);

-- Running totals per event type, updated in the same transaction as processed_events.
create table event_counts (
  event_type text primary key,
  count bigint not null default 0,
  last_event_at timestamptz
);
