-- The patient a merged source was merged into (null once unmerged, or never merged). Scheduling
-- re-points a merged source's appointments to the target, so the appointment mails and reminders
-- about the source go to the target's address, following merges of the target in turn.
alter table patient_contacts add column merged_into uuid;

create function mail_patient(patient uuid) returns uuid
language sql stable
as $$
  with recursive chain (patient_id, depth) as (
    select patient, 0
    union all
    select c.merged_into, chain.depth + 1
    from chain join patient_contacts c using (patient_id)
    where c.merged_into is not null and chain.depth < 16)
  select patient_id from chain order by depth desc limit 1
$$;
