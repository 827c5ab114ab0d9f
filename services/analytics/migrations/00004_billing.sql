-- Billing events are recorded in processed_events (by id, like patient events) and counted in
-- event_counts (INVOICE_ISSUED, PAYMENT_RECEIVED, INVOICE_PAID), in the same statement as this.

-- Σ of PAYMENT_RECEIVED amounts per currency, in exact integer minor units (ISO 4217).
create table revenue (
  currency text primary key check (currency ~ '^[A-Z]{3}$'),
  amount bigint not null check (amount >= 0)
);
