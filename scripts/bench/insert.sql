-- pgbench: the database's ceiling for creates, one patient row per transaction as the service
-- writes it (with its outbox event and billing request).
\set n random(1, 1000000000)
begin;
insert into bench_patients (id, name, email, address, date_of_birth, registered_date)
  values (gen_random_uuid(), 'Bench Patient', 'bench.' || :n || '.' || :client_id || '@example.com',
          '1 Bench Street', '1980-01-01', '2024-01-01') on conflict do nothing;
insert into bench_outbox (event_id, payload) values (gen_random_uuid(), '\x0102');
commit;
