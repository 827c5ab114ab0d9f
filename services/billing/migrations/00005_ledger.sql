-- Charges, invoices and payments on an append-only, double-entry ledger. Money is integer minor
-- units (ISO 4217) in the account's currency; never a float.

alter table billing_accounts
  add column currency text not null default 'USD' check (currency ~ '^[A-Z]{3}$'),
  -- Maintained in the same transaction as each ledger transaction; `ledger_balance_check` (and
  -- the tests) prove it equals the sum of the account's receivable entries.
  add column balance bigint not null default 0;

-- What was done, billable once it is on an invoice. `invoice_id`: the non-void invoice it is on.
create table charges (
  id uuid primary key,
  account_id uuid not null references billing_accounts (account_id),
  code text not null check (char_length(code) between 1 and 20),
  description text not null check (char_length(description) between 1 and 255),
  amount bigint not null check (amount between 1 and 1000000000000),
  currency text not null,
  service_date date not null,
  invoice_id uuid,
  created_at timestamptz not null default now()
);
create index charges_account_order on charges (account_id, service_date desc, created_at desc, id);
create index charges_invoice on charges (invoice_id) where invoice_id is not null;

create sequence invoice_numbers;

create table invoices (
  id uuid primary key,
  account_id uuid not null references billing_accounts (account_id),
  -- INV-<year>-<6 digits>, given when issued.
  number text unique,
  status text not null default 'DRAFT' check (status in ('DRAFT', 'ISSUED', 'PAID', 'VOID')),
  currency text not null,
  total bigint not null check (total >= 0),
  paid bigint not null default 0 check (paid >= 0),
  created_at timestamptz not null default now(),
  issued_at timestamptz,
  paid_at timestamptz,
  voided_at timestamptz
);
create index invoices_account on invoices (account_id, created_at desc);

-- The charges an invoice was made of (kept for a void invoice too; a draft's may change).
create table invoice_lines (
  invoice_id uuid not null references invoices (id),
  charge_id uuid not null references charges (id),
  primary key (invoice_id, charge_id)
);

create table payments (
  id uuid primary key,
  invoice_id uuid not null references invoices (id),
  account_id uuid not null references billing_accounts (account_id),
  amount bigint not null check (amount between 1 and 1000000000000),
  currency text not null,
  method text not null check (method in ('CARD', 'CASH', 'BANK_TRANSFER', 'INSURANCE')),
  reference text check (char_length(reference) <= 100),
  received_at timestamptz not null default now()
);
create index payments_invoice on payments (invoice_id, received_at);

-- One row per business operation: an invoice issued, a payment, a void.
create table ledger_transactions (
  id uuid primary key,
  account_id uuid not null references billing_accounts (account_id),
  kind text not null check (kind in ('INVOICE', 'PAYMENT', 'VOID')),
  invoice_id uuid not null references invoices (id),
  payment_id uuid references payments (id),
  time timestamptz not null default now(),
  seq bigserial unique
);
create index ledger_transactions_account on ledger_transactions (account_id, time, seq);

-- Double entry: `receivable` (the patient's account: + owed), `revenue`, `cash:<method>`.
create table ledger_entries (
  id bigserial primary key,
  transaction_id uuid not null references ledger_transactions (id),
  account_id uuid not null references billing_accounts (account_id),
  ledger_account text not null,
  amount bigint not null check (amount <> 0),
  currency text not null
);
create index ledger_entries_transaction on ledger_entries (transaction_id);
create index ledger_entries_account on ledger_entries (account_id, ledger_account);

-- Every transaction's entries sum to zero per currency, checked at commit (deferred), so a
-- transaction is written entry by entry but can only commit balanced.
create function ledger_transaction_balanced() returns trigger language plpgsql as $$
begin
  if exists (
    select 1 from ledger_entries where transaction_id = new.transaction_id
    group by currency having sum(amount) <> 0
  ) then
    raise exception 'ledger transaction % does not balance', new.transaction_id
      using errcode = 'check_violation';
  end if;
  return null;
end $$;
create constraint trigger ledger_entries_balanced after insert on ledger_entries
  deferrable initially deferred for each row execute function ledger_transaction_balanced();

-- The ledger is append-only: no UPDATE, DELETE or TRUNCATE, superusers included.
create function ledger_append_only() returns trigger language plpgsql as $$
begin
  raise exception 'the ledger is append-only' using errcode = 'insufficient_privilege';
end $$;
create trigger ledger_entries_append_only before update or delete on ledger_entries
  for each row execute function ledger_append_only();
create trigger ledger_entries_no_truncate before truncate on ledger_entries
  for each statement execute function ledger_append_only();
create trigger ledger_transactions_append_only before update or delete on ledger_transactions
  for each row execute function ledger_append_only();
create trigger ledger_transactions_no_truncate before truncate on ledger_transactions
  for each statement execute function ledger_append_only();
-- Payments are facts too.
create trigger payments_append_only before update or delete on payments
  for each row execute function ledger_append_only();
revoke update, delete, truncate on ledger_entries, ledger_transactions, payments from public;

-- The maintained balance beside the sum of the account's receivable entries: they are equal
-- (tests check it after every scenario; an operator can too).
create view ledger_balance_check as
  select a.account_id, a.balance,
         coalesce((select sum(e.amount) from ledger_entries e
                   where e.account_id = a.account_id and e.ledger_account = 'receivable'), 0)
           as entries
  from billing_accounts a;

-- The API's shapes, built by PostgreSQL: money as {"amount", "currency"}, times RFC 3339 UTC (ms).
create function billing_money(amount bigint, currency text) returns json
  language sql immutable parallel safe
  return json_build_object('amount', amount, 'currency', currency);
create function billing_time(at timestamptz) returns text
  language sql stable strict parallel safe
  return to_char(at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"');
