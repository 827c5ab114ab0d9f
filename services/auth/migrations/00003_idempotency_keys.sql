-- Idempotency-Key on POST /users (the contract: every POST that answers 201): the first answer
-- per user and key, kept IDEMPOTENCY_TTL_SECONDS and replayed (see @pms/http idempotency()).
create table idempotency_keys (
  user_id text not null,
  key text not null,
  method text not null,
  path text not null,
  request_hash bytea not null,
  created_at timestamptz not null default now(),
  status int,
  headers jsonb,
  body text,
  primary key (user_id, key)
);
create index idempotency_keys_created on idempotency_keys (created_at);
