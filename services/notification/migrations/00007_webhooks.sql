-- Webhooks: an ADMIN's registrations (a URL, the event types it wants, its signing secret) and one
-- delivery per event per subscribed webhook, kept until delivered or failed for good. A delivery
-- keeps the body it was first built with, so every attempt sends the same bytes and the same
-- webhook-id (the event's id).
create table webhooks (
  id uuid primary key,
  url text not null,
  events text[] not null,
  description text,
  active boolean not null default true,
  -- The HMAC key of the signatures: the receiver holds the same, so it is kept as given out.
  secret text not null,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);

create table webhook_deliveries (
  id uuid primary key,
  webhook_id uuid not null references webhooks (id) on delete cascade,
  event_id uuid not null,
  type text not null,
  patient_id uuid,
  body text not null,
  status text not null default 'PENDING' check (status in ('PENDING', 'DELIVERED', 'FAILED')),
  attempts int not null default 0,
  last_status_code int,
  last_error text,
  next_attempt_at timestamptz not null default now(),
  delivered_at timestamptz,
  created_at timestamptz not null default now(),
  unique (webhook_id, event_id)
);
create index webhook_deliveries_due on webhook_deliveries (next_attempt_at) where status = 'PENDING';
create index webhook_deliveries_by_hook on webhook_deliveries (webhook_id, created_at);
