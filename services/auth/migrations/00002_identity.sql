-- Staff accounts with roles, and sessions that can end (logout, refresh-token reuse, idle and
-- absolute expiry, an administrator's change).
alter table users drop constraint users_role_check;
update users set role = 'CLINICIAN' where role = 'USER';
alter table users
  add constraint users_role_check
    check (role in ('ADMIN', 'CLINICIAN', 'FRONT_DESK', 'BILLING', 'AUDITOR')),
  add column name text not null default '',
  add column disabled boolean not null default false,
  add column updated_at timestamptz not null default now(),
  add column last_login_at timestamptz;
update users set name = split_part(email, '@', 1) where name = '';

-- One row per login; its id is the tokens' `sid`.
create table sessions (
  id uuid primary key,
  user_id uuid not null references users (id),
  created_at timestamptz not null default now(),
  -- The end of the session whatever happens (REFRESH_ABSOLUTE_SECONDS after login).
  expires_at timestamptz not null,
  revoked_at timestamptz,
  revoked_reason text
);
create index sessions_live_by_user on sessions (user_id) where revoked_at is null;

-- Refresh tokens, stored only as SHA-256 of the opaque token. Each is spent by one refresh,
-- which makes the next one in the same session; a spent one sent again revokes the session.
create table refresh_tokens (
  token_hash bytea primary key,
  session_id uuid not null references sessions (id),
  created_at timestamptz not null default now(),
  used_at timestamptz
);
create index refresh_tokens_by_session on refresh_tokens (session_id);
