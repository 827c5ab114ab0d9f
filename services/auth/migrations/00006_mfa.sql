-- TOTP multi-factor authentication (RFC 6238).
alter table users add column mfa_enabled boolean not null default false;

-- How each session's login authenticated (the tokens' `amr`): a password, or a password and a
-- TOTP or recovery code.
alter table sessions add column amr text[] not null default '{pwd}';

-- One TOTP secret per user, AES-256-GCM encrypted (`kid:base64`, see MFA_ENCRYPTION_KEY); pending
-- until the first code verifies it (`enabled_at`). `used_steps`: the steps whose code was accepted
-- recently, so that a code is accepted once.
create table mfa_totp (
  user_id uuid primary key references users (id),
  secret text not null,
  created_at timestamptz not null default now(),
  enabled_at timestamptz,
  used_steps bigint[] not null default '{}'
);

-- Single-use recovery codes, stored only as SHA-256 of the code (50 random bits each).
create table mfa_recovery_codes (
  user_id uuid not null references users (id),
  code_hash bytea not null,
  used_at timestamptz,
  primary key (user_id, code_hash)
);

-- The second step of a login: an opaque token (stored as its SHA-256) that a code spends once,
-- dead after `expires_at` or 5 wrong codes.
create table mfa_challenges (
  token_hash bytea primary key,
  user_id uuid not null references users (id),
  expires_at timestamptz not null,
  failures int not null default 0,
  used_at timestamptz
);
create index mfa_challenges_by_expiry on mfa_challenges (expires_at);
