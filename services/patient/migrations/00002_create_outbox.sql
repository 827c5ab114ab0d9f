-- Transactional outbox: each change of a patient writes its event here in the same transaction,
-- and the relay publishes it to Kafka, in id order, then deletes it. A broker outage only makes
-- this table grow; the HTTP call never fails because of it.
create table outbox_events (
  id bigserial primary key,
  event_id uuid not null unique,
  patient_id uuid not null,
  event_type text not null,
  -- The encoded patient.events.PatientEvent, exactly as it will be published.
  payload bytea not null,
  -- W3C trace context of the request that caused the change, sent as a Kafka header.
  traceparent text,
  created_at timestamptz not null default now()
);

-- Billing accounts to open: one row per created patient, deleted once billing has answered.
-- Retried with backoff while billing is down, so every patient ends up with exactly one account
-- (billing's CreateBillingAccount is idempotent per patient).
create table billing_requests (
  patient_id uuid primary key,
  name text not null,
  email text not null,
  traceparent text,
  attempts int not null default 0,
  next_attempt_at timestamptz not null default now(),
  last_error text,
  created_at timestamptz not null default now()
);
create index billing_requests_due on billing_requests (next_attempt_at);
