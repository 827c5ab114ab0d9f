-- The audit trail: one row per record, numbered by the one writer (seq 1, 2, …) and hash-chained
-- in that order. Each column is a field of the record as the API returns it, so altering any of
-- them breaks the chain where it was altered.
create table audit_records (
  seq bigint primary key,
  id uuid not null unique,
  time timestamptz not null,
  actor_user_id text,
  actor_email text,
  actor_role text,
  action text not null,
  outcome text not null check (outcome in ('SUCCESS', 'DENIED', 'FAILED')),
  patient_ids uuid[] not null default '{}',
  service text not null,
  client_address text,
  request_id text,
  trace_id text,
  details jsonb not null default '{}',
  -- The previous record's hash (64 zeros before seq 1): the chain stays checkable from the
  -- oldest record kept after a retention prune.
  prev_hash text not null,
  hash text not null
);
create index audit_records_time on audit_records (time desc, seq desc);
create index audit_records_patients on audit_records using gin (patient_ids);
-- Few indexes: every read in the system is an insert here. Actor, action and outcome filters
-- walk the time index.
create index audit_records_actor_id on audit_records (actor_user_id, time desc);

-- Append-only: UPDATE, DELETE and TRUNCATE are refused by triggers (superusers included) and
-- by privileges. Only prune_audit_records (retention, AUDIT_RETENTION_DAYS) may delete, and only
-- the oldest records.
create function audit_records_append_only() returns trigger language plpgsql as $$
begin
  if tg_op = 'DELETE' and current_setting('audit.pruning', true) = 'on' then
    return old;
  end if;
  raise exception 'audit_records is append-only: % refused', tg_op
    using errcode = 'insufficient_privilege';
end $$;
create trigger audit_records_no_change before update or delete on audit_records
  for each row execute function audit_records_append_only();
create trigger audit_records_no_truncate before truncate on audit_records
  for each statement execute function audit_records_append_only();

revoke update, delete, truncate on audit_records from public;
do $$ begin
  execute format('revoke update, delete, truncate on audit_records from %I', current_user);
end $$;

-- Retention: deletes the records older than `cutoff`, keeping the newest record always (it
-- anchors the chain), and returns how many went. The owner grants itself DELETE for this
-- transaction only.
create function prune_audit_records(cutoff timestamptz) returns bigint
language plpgsql security definer as $$
declare
  pruned bigint;
  keep_from bigint;
begin
  select coalesce(min(seq), (select max(seq) from audit_records)) into keep_from
    from audit_records where time >= cutoff;
  if keep_from is null then
    return 0;
  end if;
  execute format('grant delete on audit_records to %I', current_user);
  perform set_config('audit.pruning', 'on', true);
  delete from audit_records where seq < keep_from;
  get diagnostics pruned = row_count;
  perform set_config('audit.pruning', 'off', true);
  execute format('revoke delete on audit_records from %I', current_user);
  return pruned;
end $$;
