-- The total behind X-Total-Count of the unfiltered list, kept exact by triggers instead of a
-- count(*) over every row on every request. Sixteen shards, so concurrent creates rarely wait
-- on the same row; the total is their sum.
create table patient_count_shards (
  shard smallint primary key,
  n bigint not null default 0
);
insert into patient_count_shards (shard, n) select s, 0 from generate_series(0, 15) s;
update patient_count_shards set n = (select count(*) from patients) where shard = 0;

-- The shard is picked once per statement (random() in the WHERE clause would be drawn per row).
create function patient_count_added() returns trigger language plpgsql as $$
declare
  picked smallint := floor(random() * 16)::smallint;
begin
  update patient_count_shards set n = n + (select count(*) from added) where shard = picked;
  return null;
end $$;

create function patient_count_removed() returns trigger language plpgsql as $$
declare
  picked smallint := floor(random() * 16)::smallint;
begin
  update patient_count_shards set n = n - (select count(*) from removed) where shard = picked;
  return null;
end $$;

create trigger patients_counted_insert after insert on patients
  referencing new table as added for each statement execute function patient_count_added();
create trigger patients_counted_delete after delete on patients
  referencing old table as removed for each statement execute function patient_count_removed();
