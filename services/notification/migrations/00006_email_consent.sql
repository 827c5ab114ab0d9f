-- Each patient's EMAIL consent as the patient events last said it (in consent-version order).
-- While it is DENIED, every message about the patient is recorded SKIPPED with reason CONSENT
-- instead of being sent.
create table email_consents (
  patient_id uuid primary key,
  denied boolean not null,
  version bigint not null
);

alter table notifications add column reason text;
