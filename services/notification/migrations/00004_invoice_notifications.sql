-- Each patient's latest name and email, from PATIENT_CREATED, PATIENT_UPDATED and
-- PATIENT_RESTORED, updated in version order in the same statement as the patient events; a
-- deleted patient's row stays. Patients whose events were consumed before this table existed
-- have no row until their next event (their invoices are SKIPPED, never mailed to a stale address).
create table patient_contacts (
  patient_id uuid primary key,
  email text not null,
  name text not null,
  version bigint not null
);

-- INVOICE notifications (one per INVOICE_ISSUED event) carry what their mail says; one for a
-- patient without a known email has no recipient and is SKIPPED.
alter table notifications
  alter column recipient drop not null,
  add column invoice_number text,
  add column invoice_total bigint,
  add column invoice_due bigint,
  add column currency text,
  add constraint notifications_recipient check (recipient is not null or status = 'SKIPPED'),
  add constraint notifications_invoice check (
    type <> 'INVOICE' or (invoice_number is not null and invoice_total is not null
      and invoice_due is not null and currency is not null));
