create table patients (
  id uuid primary key,
  name text not null,
  email text not null,
  address text not null,
  date_of_birth date not null,
  registered_date date not null,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);

-- One patient per email, compared case-insensitively: the database decides, so concurrent
-- creates with one email give exactly one row.
create unique index patients_email_unique on patients (lower(email));
-- The list is ordered by name, then id.
create index patients_name_order on patients (name, id);

-- Demo data is inserted once per database; a deleted demo patient does not come back.
create table seed_runs (
  name text primary key,
  ran_at timestamptz not null default now()
);
