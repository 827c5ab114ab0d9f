create table users (
  id uuid primary key,
  email text not null,
  password_hash text not null,
  role text not null check (role in ('ADMIN', 'USER')),
  created_at timestamptz not null default now()
);

-- Emails are compared case-insensitively.
create unique index users_email_unique on users (lower(email));

-- Demo data is inserted once per database; a deleted demo row does not come back.
create table seed_runs (
  name text primary key,
  ran_at timestamptz not null default now()
);
