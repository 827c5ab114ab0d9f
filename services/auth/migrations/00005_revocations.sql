-- Revocations every token-verifying service polls (GET /revocations?since=<seq>): an ended
-- session (its tokens' `sid`), or a user whose tokens with an `iat` before `issued_before` (epoch
-- seconds on auth's clock, the one `iat` is read from) are all refused.
-- Rows are inserted under one advisory lock, so `seq` order is commit order and a reader that has
-- seen `seq` n has seen every row before it. Rows go once no token they refuse can be alive.
create table revocations (
  seq bigint generated always as identity primary key,
  session_id uuid,
  user_id uuid,
  issued_before bigint,
  reason text not null,
  created_at timestamptz not null default clock_timestamp(),
  constraint revocations_one_subject check ((session_id is null) <> (user_id is null)),
  constraint revocations_user_time check ((user_id is null) = (issued_before is null))
);
create index revocations_by_time on revocations (created_at);
