-- A delivery answers as every record does: its version moves by one with each change a client can
-- see (an attempt's outcome, a redelivery of a finished one, a withdrawal), and `updated_at` with
-- it. Leasing a due delivery to a sender moves only `next_attempt_at`, so it is no change of the
-- record.
alter table webhook_deliveries
  add column version int not null default 1,
  add column updated_at timestamptz;
update webhook_deliveries set updated_at = created_at;
alter table webhook_deliveries
  alter column updated_at set not null,
  alter column updated_at set default now();

create function webhook_delivery_changed() returns trigger language plpgsql as $$
begin
  if (new.status, new.attempts, new.last_status_code, new.last_error, new.delivered_at)
      is distinct from
     (old.status, old.attempts, old.last_status_code, old.last_error, old.delivered_at) then
    new.version := old.version + 1;
    new.updated_at := now();
  end if;
  return new;
end $$;

create trigger webhook_delivery_changed before update on webhook_deliveries
  for each row execute function webhook_delivery_changed();
