-- Patient lookup (name words by prefix in any case or accent, email, date of birth, sorts),
-- duplicate candidates, and patient groups (families) with their members.
--
-- Both extensions are "trusted" (PostgreSQL 13+): a database owner creates them without being a
-- superuser, and RDS offers both.
create extension if not exists unaccent;
create extension if not exists pg_trgm;

-- A name or term folded for comparison: no accents, lower case, whitespace runs as one space.
-- `unaccent` is only STABLE (its dictionary could change); naming the dictionary makes the fold
-- safe to declare IMMUTABLE, so indexes may use it.
create function pms_fold(value text) returns text
  language sql immutable strict parallel safe
  return regexp_replace(lower(public.unaccent('public.unaccent'::regdictionary, value)),
                        '\s+', ' ', 'g');

-- An address folded for duplicate detection: also without punctuation ("12 Main St." = "12 main st").
create function pms_fold_address(value text) returns text
  language sql immutable strict parallel safe
  return btrim(regexp_replace(pms_fold(value), '[^[:alnum:]]+', ' ', 'g'));

-- The folded name with a space in front, computed once per write (folding costs ~15 µs, too
-- much to repeat for every row a broad lookup rechecks or sorts). `name`: every word given must
-- begin a word of the name, which is `name_key like '% <folded word>%'`, answered by the trigram
-- index; names sort by it ("Éloïse" before "Emma", "de Vries" among the Ds), then as written,
-- ties by id; the btree also finds the same folded name (duplicates).
alter table patients add column name_key text generated always as (' ' || pms_fold(name)) stored;
create index patients_name_words on patients using gin (name_key gin_trgm_ops)
  where deleted_at is null;
drop index patients_name_order;
create index patients_name_order on patients (name_key, name, id) where deleted_at is null;
create index patients_name_desc_order on patients (name_key desc, name desc, id)
  where deleted_at is null;
-- Date of birth: lookups, duplicates and the sort (each way, ties by id); registration date sorts.
create index patients_birth_date on patients (date_of_birth, id) where deleted_at is null;
create index patients_birth_desc_order on patients (date_of_birth desc, id)
  where deleted_at is null;
create index patients_registered_order on patients (registered_date, id) where deleted_at is null;
create index patients_registered_desc_order on patients (registered_date desc, id)
  where deleted_at is null;

create table patient_groups (
  id uuid primary key,
  name text not null check (char_length(name) between 1 and 100),
  kind text not null check (kind in ('FAMILY', 'OTHER')),
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);
create index patient_groups_name_order on patient_groups (name, id);
create index patient_groups_name_search on patient_groups using gin (lower(name) gin_trgm_ops);

-- A patient is in a group once; deleting the group removes its memberships, never the patients.
-- Soft-deleted patients keep their memberships (hidden until restored).
create table group_members (
  group_id uuid not null references patient_groups (id) on delete cascade,
  patient_id uuid not null references patients (id),
  relationship text not null check (relationship in
    ('HEAD', 'SPOUSE', 'PARTNER', 'PARENT', 'CHILD', 'GUARDIAN', 'SIBLING', 'OTHER')),
  added_at timestamptz not null default now(),
  added_by text not null,
  primary key (group_id, patient_id)
);
create index group_members_patient on group_members (patient_id);
