-- The break-glass review queue reads grants, their reviews and the calls made under each grant
-- from the records themselves (a review is a new record, never a change). Partial indexes: the
-- few records they cover cost an index entry; every other record costs nothing.
create index audit_records_break_glass on audit_records ((details ->> 'grantId'), seq)
  where action in ('patient.break-glass', 'audit.break-glass.review') and outcome = 'SUCCESS';
create index audit_records_under_grant on audit_records ((details ->> 'breakGlass'))
  where details ? 'breakGlass';
