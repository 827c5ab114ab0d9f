-- The service's own login appends and reads records, nothing else (privileges.json); this
-- database's owner runs the migrations and retention. Retention becomes the owner's alone:
--
-- * prune_audit_records runs with its caller's rights (no longer SECURITY DEFINER), with a fixed
--   search_path (pg_temp last, so no temporary object of the caller shadows audit_records), and
--   only the owner may execute it;
-- * the append-only trigger lets a DELETE through only inside a prune by a member of the table's
--   owner: setting `audit.pruning` is open to any session, owning the table is not.
alter function prune_audit_records(timestamptz) security invoker;
alter function prune_audit_records(timestamptz) set search_path = pg_catalog, public, pg_temp;
revoke execute on function prune_audit_records(timestamptz) from public;

create or replace function audit_records_append_only() returns trigger language plpgsql
set search_path = pg_catalog, public, pg_temp as $$
begin
  if tg_op = 'DELETE' and current_setting('audit.pruning', true) = 'on'
     and pg_has_role(current_user, (select relowner from pg_class where oid = tg_relid), 'USAGE')
  then
    return old;
  end if;
  raise exception 'audit_records is append-only: % refused', tg_op
    using errcode = 'insufficient_privilege';
end $$;
