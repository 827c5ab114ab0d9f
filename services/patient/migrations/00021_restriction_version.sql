-- A restriction answers as every record does: its version (+1 each time it is set, also after it
-- was cleared, so that a tag never names two different restrictions) and when it was first set
-- (`set_at` is when it was last set).
alter table patient_restrictions
  add column version int not null default 1 check (version > 0),
  add column created_at timestamptz;
update patient_restrictions set created_at = set_at;
alter table patient_restrictions
  alter column created_at set not null,
  alter column created_at set default now();

-- The last version each patient's restriction was given, kept when the restriction is cleared.
create table restriction_versions (
  patient_id uuid primary key references patients (id),
  version int not null check (version > 0)
);
insert into restriction_versions (patient_id, version)
select patient_id, version from patient_restrictions;
