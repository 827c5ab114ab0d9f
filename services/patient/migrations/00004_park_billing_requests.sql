-- A billing request that billing refuses as invalid (INVALID_ARGUMENT and the like) would fail
-- the same way forever: it is parked with its error instead of retried. Parked requests stay for
-- an operator to inspect (`select * from billing_requests where parked_at is not null`).
alter table billing_requests add column parked_at timestamptz;
drop index billing_requests_due;
create index billing_requests_due on billing_requests (next_attempt_at) where parked_at is null;
