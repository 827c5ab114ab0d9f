-- Each patient's consents as the patient events last said them (in consent-version order per
-- scope). While EMAIL is DENIED every message about the patient is recorded SKIPPED with reason
-- CONSENT instead of being sent; while DATA_SHARING is DENIED no webhook delivery names them.
create table consents (
  patient_id uuid not null,
  scope text not null,
  denied boolean not null,
  version bigint not null,
  primary key (patient_id, scope)
);

alter table notifications add column reason text;
