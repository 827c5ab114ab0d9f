-- The newest version applied per patient: one patient's events are applied in version order, and
-- an older version delivered after a newer one is ignored (recorded as seen, without effect).
create table patient_versions (
  patient_id uuid primary key,
  version bigint not null
);
