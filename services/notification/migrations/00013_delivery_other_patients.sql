-- The other patients a delivery names besides `patient_id` (a merge's target): each one's
-- DATA_SHARING consent is checked as the first's, and each is named in the disclosure record.
alter table webhook_deliveries add column also_patient_ids uuid[] not null default '{}';
