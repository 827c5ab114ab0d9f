-- Restricted records: a patient only the listed users may see (ADMIN included: an ADMIN not
-- listed is refused too). One row per restricted patient; clearing the restriction deletes it.
create table patient_restrictions (
  patient_id uuid primary key references patients (id),
  allowed_user_ids text[] not null check (cardinality(allowed_user_ids) between 1 and 50),
  reason text not null,
  set_by text not null,
  set_at timestamptz not null default now()
);

-- Break-glass grants: a user's emergency access to one restricted patient until `expires_at`.
-- Only added and read (the service's login may not change or delete them): the grant is
-- evidence, reviewed in the audit service.
create table break_glass_grants (
  id uuid primary key,
  patient_id uuid not null references patients (id),
  user_id text not null,
  reason text not null check (reason in ('EMERGENCY', 'PATIENT_SAFETY', 'LEGAL', 'OTHER')),
  justification text not null,
  granted_at timestamptz not null default now(),
  expires_at timestamptz not null
);
create index break_glass_grants_live on break_glass_grants (patient_id, user_id, expires_at);
