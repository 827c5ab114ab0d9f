-- FHIR Bulk Data export: a job per kick-off, and its NDJSON files kept as parts (at most 1,000
-- resources each) in this database, so any instance serves any job's files and a deleted or
-- expired job takes its files with it.
create table export_jobs (
  id uuid primary key,
  requested_by text not null,
  request text not null,
  types text[] not null,
  since timestamptz,
  group_id uuid,
  status text not null default 'RUNNING' check (status in ('RUNNING', 'DONE', 'FAILED')),
  progress text not null default 'queued',
  transaction_time timestamptz not null default now(),
  errors jsonb not null default '[]',
  expires_at timestamptz not null,
  finished_at timestamptz
);

create table export_parts (
  job_id uuid not null references export_jobs (id) on delete cascade,
  type text not null,
  part int not null,
  lines int not null,
  ndjson text not null,
  primary key (job_id, type, part)
);
