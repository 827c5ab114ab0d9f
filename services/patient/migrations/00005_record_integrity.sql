-- Record integrity: a version per patient (+1 per change), soft deletes, and an immutable history
-- of every version (who, when, which change, the full record after it).
alter table patients
  add column version int not null default 1,
  add column deleted_at timestamptz,
  add column deleted_by text;

-- Emails are unique among patients that are not deleted (a deleted patient's email may be used
-- again; restoring it then answers 409).
drop index patients_email_unique;
create unique index patients_email_unique on patients (lower(email)) where deleted_at is null;
drop index patients_name_order;
create index patients_name_order on patients (name, id) where deleted_at is null;
create index patients_deleted on patients (deleted_at desc, id) where deleted_at is not null;

create table patient_history (
  patient_id uuid not null references patients (id),
  version int not null,
  changed_at timestamptz not null default now(),
  -- The email of the user who made the change, or "system".
  changed_by text not null,
  change text not null check (change in ('CREATED', 'UPDATED', 'DELETED', 'RESTORED')),
  -- The patient after the change, as the API shows it.
  patient jsonb not null,
  primary key (patient_id, version)
);

-- History is never edited: only inserts.
create function patient_history_immutable() returns trigger language plpgsql as $$
begin
  raise exception 'patient history is append-only';
end $$;
create trigger patient_history_no_update before update or delete on patient_history
  for each row execute function patient_history_immutable();

-- Existing patients start at version 1 with a CREATED entry by "system".
insert into patient_history (patient_id, version, changed_at, changed_by, change, patient)
select id, 1, created_at, 'system', 'CREATED', jsonb_build_object(
  'id', id, 'name', name, 'email', email, 'address', address,
  'dateOfBirth', date_of_birth::text, 'registeredDate', registered_date::text, 'version', 1,
  'updatedAt', to_char(updated_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'))
from patients;

-- The unfiltered total counts patients that are not deleted: a soft delete or a restore moves
-- the sharded counter as a hard delete or an insert did.
create function patient_count_moved() returns trigger language plpgsql as $$
declare
  picked smallint := floor(random() * 16)::smallint;
  delta bigint;
begin
  select coalesce(sum(case when n.deleted_at is null then 1 else -1 end), 0) into delta
  from old_rows o join new_rows n on n.id = o.id
  where (o.deleted_at is null) <> (n.deleted_at is null);
  if delta <> 0 then
    update patient_count_shards set n = n + delta where shard = picked;
  end if;
  return null;
end $$;
create trigger patients_counted_update after update on patients
  referencing old table as old_rows new table as new_rows
  for each statement execute function patient_count_moved();

-- Idempotency-Key: a creating POST's first answer per user and key, kept 24 h and replayed.
create table idempotency_keys (
  user_id text not null,
  key text not null,
  method text not null,
  path text not null,
  -- SHA-256 of the request body's canonical JSON.
  request_hash bytea not null,
  created_at timestamptz not null default now(),
  -- Null while the first request runs.
  status int,
  headers jsonb,
  body text,
  primary key (user_id, key)
);
create index idempotency_keys_created on idempotency_keys (created_at);
