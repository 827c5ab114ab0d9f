-- A version of everything the patient list shows: every statement that inserts, updates or
-- deletes patients (or truncates them) adds the rows it touched to `changes` on the shard it
-- already moves for the total (00009: the first one no other transaction holds). The sum over
-- the shards, read in a statement's own snapshot, changes with every committed write that a list
-- could show, so a page read at one sum is still exact while the sum is the same: the patient
-- service keeps recent pages and, on each list, asks for the page only when the sum moved.
alter table patient_count_shards add column changes bigint not null default 0;

create or replace function patient_count_add(delta bigint, changed bigint) returns void
language plpgsql as $$
declare
  start constant int := pg_backend_pid() % 64;
  picked smallint;
begin
  select shard into picked from patient_count_shards
  order by (shard - start + 64) % 64
  for update skip locked limit 1;
  update patient_count_shards set n = n + delta, changes = changes + changed
  where shard = coalesce(picked, start);
end $$;

create or replace function patient_count_added() returns trigger language plpgsql as $$
begin
  perform patient_count_add(a.touched, a.touched) from (select count(*) as touched from added) a;
  return null;
end $$;

create or replace function patient_count_removed() returns trigger language plpgsql as $$
begin
  perform patient_count_add(-r.touched, r.touched)
  from (select count(*) as touched from removed) r;
  return null;
end $$;

-- Every update moves the version (any column may show in the list); only soft deletes and
-- restores move the total.
create or replace function patient_count_moved() returns trigger language plpgsql as $$
declare
  delta bigint;
  touched bigint;
begin
  select count(*), coalesce(sum(case
           when (o.deleted_at is null) = (n.deleted_at is null) then 0
           when n.deleted_at is null then 1
           else -1 end), 0)
    into touched, delta
  from old_rows o join new_rows n on n.id = o.id;
  if touched > 0 then
    perform patient_count_add(delta, touched);
  end if;
  return null;
end $$;

create function patient_count_truncated() returns trigger language plpgsql as $$
begin
  update patient_count_shards set n = 0, changes = changes + 1;
  return null;
end $$;
create trigger patients_counted_truncate after truncate on patients
  for each statement execute function patient_count_truncated();

drop function patient_count_add(bigint);
