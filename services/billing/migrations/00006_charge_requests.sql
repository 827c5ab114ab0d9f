-- The AddCharges requests already recorded, with the charges each made: a repeated request (a
-- caller's retry) answers these and charges nothing again.
create table charge_requests (
  request_id uuid primary key,
  account_id uuid not null references billing_accounts (account_id),
  charge_ids uuid[] not null,
  created_at timestamptz not null default now()
);
