-- A patient as the API shows it, kept as JSON text beside the row by the trigger that already keeps
-- `updated_at_text`, so that a page of fifty patients is fifty texts joined, not fifty objects
-- built per read (building them was about half of the list statement's time). Every insert and
-- update recomputes both, whichever columns it sets, so the text cannot go stale.
-- The dates are formatted explicitly: `date::text` would follow the writing session's DateStyle.
alter table patients add column api_json text;

create function patient_derived_columns() returns trigger language plpgsql as $$
begin
  new.updated_at_text := to_char(new.updated_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"');
  new.api_json := json_build_object('id', new.id, 'name', new.name, 'email', new.email,
    'address', new.address, 'dateOfBirth', to_char(new.date_of_birth, 'YYYY-MM-DD'),
    'registeredDate', to_char(new.registered_date, 'YYYY-MM-DD'), 'version', new.version,
    'updatedAt', new.updated_at_text)::text;
  return new;
end $$;

drop trigger patients_updated_at_text on patients;
drop function patient_updated_at_text();
create trigger patients_derived_columns before insert or update on patients
  for each row execute function patient_derived_columns();

-- Existing rows: an update of every row fires the trigger (patient_history is not touched). It
-- rewrites each row once and holds their locks until it commits (writes to patients wait for it):
-- on a large table, apply it in a maintenance window.
update patients set updated_at = updated_at;
alter table patients alter column api_json set not null;
