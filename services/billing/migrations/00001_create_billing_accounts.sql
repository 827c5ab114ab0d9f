-- One billing account per patient. Only the patient's id is kept: no name, no email (data
-- minimisation; the patient service owns those). The unique patient_id makes opening an account
-- idempotent, also when several calls for the same patient race.
create table billing_accounts (
  account_id uuid primary key,
  patient_id uuid not null unique,
  status text not null default 'ACTIVE',
  created_at timestamptz not null default now()
);
