-- A restriction answers as every record does: its version (1 when set, +1 each time it is set
-- again) and when it was first set (`set_at` is when it was last set).
alter table patient_restrictions
  add column version int not null default 1 check (version > 0),
  add column created_at timestamptz;
update patient_restrictions set created_at = set_at;
alter table patient_restrictions
  alter column created_at set not null,
  alter column created_at set default now();
