-- A patient's consents, one row per recorded version of each scope (EMAIL, DATA_SHARING,
-- RESEARCH): who recorded which status when. The current consent of a scope is its highest
-- version; earlier versions are kept, never changed (the service's login may only add and read).
create table patient_consents (
  patient_id uuid not null references patients (id),
  scope text not null check (scope in ('EMAIL', 'DATA_SHARING', 'RESEARCH')),
  version int not null check (version > 0),
  status text not null check (status in ('GRANTED', 'DENIED')),
  recorded_by text not null,
  recorded_at timestamptz not null default now(),
  primary key (patient_id, scope, version)
);
