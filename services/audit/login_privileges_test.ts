/**
 * The audit service's own database login, on a real PostgreSQL server: migrations and retention
 * run as the owner; the login the service runs as appends and reads, and every way it could
 * remove or rewrite evidence is refused.
 */
import assert from "node:assert/strict";
import postgres from "postgres";
import type { AuditRecord } from "@pms/audit";
import { openTestDatabase, silentLogger } from "@pms/testing";
import { createAuditStore } from "./store/audit_store.ts";
import { createRetentionWorker } from "./workers/retention.ts";

const MIGRATIONS = new URL("./migrations", import.meta.url);
const DAY_MS = 86_400_000;

function record(time: number, action = "patient.read"): AuditRecord {
  return {
    id: crypto.randomUUID(),
    time: new Date(time).toISOString(),
    actor: { userId: "user-1", email: "clinician@clinic.example", role: "CLINICIAN" },
    action,
    outcome: "SUCCESS",
    patientIds: [],
    service: "patient",
    clientAddress: "10.0.0.1",
    requestId: crypto.randomUUID(),
    traceId: null,
    details: {},
  };
}

/** Runs `statement` on its own connection of `url` (so a failed one aborts nothing else). */
async function attempt(url: string, statement: string): Promise<unknown> {
  const sql = postgres(url, { max: 1, onnotice: () => {} });
  try {
    return await sql.unsafe(statement);
  } finally {
    await sql.end({ timeout: 1 });
  }
}

Deno.test("the audit service's login appends and verifies but cannot remove or rewrite a record", async () => {
  await using testDb = await openTestDatabase("audit", MIGRATIONS);
  const store = createAuditStore(testDb.db.sql);
  const start = Date.now() - 10 * DAY_MS;
  assert.equal(await store.append([0, 1, 2, 3, 4].map((i) => record(start + i * DAY_MS))), 5);
  const login = decodeURIComponent(new URL(testDb.loginUrl).username);
  const [who] = await testDb.db.sql<{ user: string }[]>`select current_user as user`;
  assert.equal(who!.user, login, "the pool runs as the service's own login");

  const refused = async (statement: string) => {
    await assert.rejects(
      attempt(testDb.loginUrl, statement),
      /permission denied|must be owner|must have admin option|append-only/,
      statement,
    );
  };
  await refused("update audit_records set action = 'x' where seq = 5");
  await refused("delete from audit_records where seq = 5");
  await refused("truncate audit_records");
  await refused("alter table audit_records disable trigger audit_records_no_change");
  await refused("alter table audit_records add column note text");
  await refused("drop trigger audit_records_no_change on audit_records");
  await refused("drop table audit_records");
  await refused("alter table audit_records owner to current_user");
  await refused("select prune_audit_records(now())");
  await refused("set session_replication_role = replica");
  await refused("create table public.audit_records_copy (seq bigint)");
  await refused("create schema shadow");
  // The search_path trick: a temporary audit_records (searched first unless pg_temp is placed
  // last) would be what a SECURITY DEFINER function without a fixed search_path deletes from.
  await refused("create temporary table audit_records (seq bigint)");
  await refused(
    "create function pg_temp.now() returns timestamptz language sql as $$select 'infinity'::timestamptz$$",
  );
  // A GRANT to itself grants nothing (at most a warning): DELETE stays refused.
  await attempt(testDb.loginUrl, `grant delete, update, truncate on audit_records to "${login}"`)
    .catch(() => {});
  await refused("delete from audit_records where seq = 5");
  await refused(`grant pg_write_all_data to "${login}"`);

  const [rights] = await testDb.db.sql<
    { update: boolean; delete: boolean; truncate: boolean; owner: boolean; prune: boolean }[]
  >`
    select has_table_privilege('audit_records', 'UPDATE') as update,
           has_table_privilege('audit_records', 'DELETE') as delete,
           has_table_privilege('audit_records', 'TRUNCATE') as truncate,
           pg_has_role(current_user, (select relowner from pg_class
                                      where oid = 'audit_records'::regclass), 'USAGE') as owner,
           has_function_privilege('prune_audit_records(timestamptz)', 'EXECUTE') as prune`;
  assert.deepEqual(rights, {
    update: false,
    delete: false,
    truncate: false,
    owner: false,
    prune: false,
  });
  // No function the login may call runs with another's rights.
  const definers = await testDb.db.sql<{ name: string }[]>`
    select p.oid::regprocedure::text as name from pg_proc p
    where p.pronamespace = 'public'::regnamespace and p.prosecdef
      and has_function_privilege(p.oid, 'EXECUTE')`;
  assert.deepEqual([...definers], []);
  // No table or sequence of the database lets the login change or remove a row.
  const writable = await testDb.db.sql<{ name: string }[]>`
    select relname::text as name from pg_class
    where relnamespace = 'public'::regnamespace and relkind in ('r', 'p', 'v')
      and (has_table_privilege(oid, 'UPDATE') or has_table_privilege(oid, 'DELETE')
           or has_table_privilege(oid, 'TRUNCATE'))`;
  assert.deepEqual([...writable], []);

  // The trail is whole, and still grows and verifies.
  assert.equal(await store.append([record(start + 5 * DAY_MS)]), 1);
  const report = await store.verify();
  assert.equal(report.ok, true);
  assert.equal(report.records, 6);
});

Deno.test("createRetentionWorker() prunes as the owner on a connection of its own", async () => {
  await using testDb = await openTestDatabase("audit", MIGRATIONS);
  const store = createAuditStore(testDb.db.sql);
  const now = Date.now();
  await store.append([40, 35, 31, 2, 1].map((days) => record(now - days * DAY_MS)));
  // The service's own login cannot prune, even through its store.
  await assert.rejects(store.prune(new Date(now - 30 * DAY_MS)), /permission denied/);
  const worker = createRetentionWorker({
    store,
    days: 30,
    ownerUrl: testDb.url,
    logger: silentLogger(),
  });
  worker.start();
  try {
    const deadline = Date.now() + 10_000;
    while ((await store.verify()).records !== 2 && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 50));
    }
  } finally {
    await worker.stop();
  }
  const report = await store.verify();
  assert.equal(report.records, 2, "the three records older than 30 days were pruned");
  assert.equal(report.ok, true);
  // The owner's connection was closed after the round.
  const [open] = await attempt(
    testDb.url,
    "select count(*)::int as n from pg_stat_activity where application_name = 'pms-audit-retention'",
  ) as { n: number }[];
  assert.equal(open!.n, 0);
});
