-- Encounters (a visit of a patient), their vital-sign observations and signed clinical notes.
-- The database itself keeps a signed note's content unchanged and its addenda append-only.
create table encounters (
  id uuid primary key,
  patient_id uuid not null,
  appointment_id uuid,
  status text not null check (status in ('IN_PROGRESS', 'FINISHED', 'CANCELLED')),
  class text not null check (class in ('AMBULATORY', 'VIRTUAL', 'HOME')),
  reason text check (char_length(reason) <= 255),
  practitioner_id text not null,
  started_at timestamptz not null default now(),
  ended_at timestamptz,
  version int not null default 1,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);
create index encounters_by_patient on encounters (patient_id, started_at desc, id);
create index encounters_by_start on encounters (started_at desc, id);

create table observations (
  id uuid primary key,
  encounter_id uuid not null references encounters (id),
  patient_id uuid not null,
  code text not null,
  display text not null,
  value numeric not null,
  unit text not null,
  effective_at timestamptz not null,
  version int not null default 1,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);
create index observations_by_patient on observations (patient_id, effective_at desc, id);
create index observations_by_encounter on observations (encounter_id);

create table notes (
  id uuid primary key,
  encounter_id uuid not null references encounters (id),
  patient_id uuid not null,
  status text not null check (status in ('DRAFT', 'SIGNED')),
  subjective text not null check (char_length(subjective) <= 10000),
  objective text not null check (char_length(objective) <= 10000),
  assessment text not null check (char_length(assessment) <= 10000),
  plan text not null check (char_length(plan) <= 10000),
  author_id text not null,
  signed_at timestamptz,
  signed_by text,
  content_hash text,
  version int not null default 1,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  check ((status = 'SIGNED') = (signed_at is not null and content_hash is not null))
);
create index notes_by_encounter on notes (encounter_id, created_at, id);
create index notes_by_patient on notes (patient_id, created_at desc, id);

-- A signed note never changes again (nor is deleted), whoever writes.
create function notes_signed_frozen() returns trigger language plpgsql as $$
begin
  if old.status = 'SIGNED' then
    raise exception 'Note is signed' using errcode = 'P0001';
  end if;
  if tg_op = 'DELETE' then return old; end if;
  return new;
end $$;
create trigger notes_signed_frozen before update or delete on notes
  for each row execute function notes_signed_frozen();

create table addenda (
  id uuid primary key,
  note_id uuid not null references notes (id),
  text text not null check (char_length(text) between 1 and 10000),
  author_id text not null,
  created_at timestamptz not null default now()
);
create index addenda_by_note on addenda (note_id, created_at, id);

-- Addenda are append-only.
create function addenda_append_only() returns trigger language plpgsql as $$
begin
  raise exception 'Addenda are append-only' using errcode = 'P0001';
end $$;
create trigger addenda_append_only before update or delete on addenda
  for each row execute function addenda_append_only();

-- Charges of finished encounters waiting to reach billing (outbox): one row per encounter, its id
-- the request id billing deduplicates on, so a retry never charges twice.
create table charge_requests (
  id uuid primary key,
  encounter_id uuid not null unique references encounters (id),
  patient_id uuid not null,
  service_date date not null,
  charges jsonb not null,
  attempts int not null default 0,
  next_attempt_at timestamptz not null default now(),
  sent_at timestamptz,
  last_error text,
  created_at timestamptz not null default now()
);
create index charge_requests_due on charge_requests (next_attempt_at) where sent_at is null;
