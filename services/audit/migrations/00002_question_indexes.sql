-- Answering questions over years of records. Measured on a million records (one month of a busy
-- clinic; six years are about seventy times that), a page filtered by actor, action or outcome
-- read the whole table twice: once walking the time index for the page (a rare action or a
-- denial fills it only near the oldest records) and once for X-Total-Count; 140–760 ms a page.
-- Each index below costs every record a few microseconds when it is stored (within the noise of
-- appending list records: 2.94 → 2.92 ms per 17, twelve runs each). Building them on a large trail
-- holds appends back until they are built; the records wait in Kafka meanwhile.
--
-- `actor` is a user id or an email: each has its index, so `actor_user_id = x or
-- lower(actor_email) = lower(x)` is two index scans.
create index audit_records_actor_email on audit_records (lower(actor_email), time desc);
-- `action`, exact or a prefix (`patient.*` is `like 'patient.%'`, which text_pattern_ops serves
-- whatever the database's collation).
create index audit_records_action on audit_records (action text_pattern_ops, time desc);
-- `outcome`: DENIED and FAILED are the rare ones asked for; SUCCESS records are not indexed.
create index audit_records_unsuccessful on audit_records (outcome, time desc)
  where outcome <> 'SUCCESS';
