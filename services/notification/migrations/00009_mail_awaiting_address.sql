-- An appointment's mail can be recorded before its patient's address has arrived (the booking and
-- the patient's create come on different topics): it then waits, PENDING without a recipient, and
-- takes the address once the patient's event is in (or is SKIPPED if none comes).
alter table notifications
  drop constraint notifications_recipient,
  add constraint notifications_recipient
    check (recipient is not null or status in ('SKIPPED', 'PENDING'));
create index notifications_awaiting_address on notifications (patient_id)
  where status = 'PENDING' and recipient is null;
