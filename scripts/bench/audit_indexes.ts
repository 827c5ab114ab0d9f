// deno-lint-ignore-file no-console
/**
 * A companion of `deno task bench:audit`: how the patients of audit records are best indexed.
 * Appends `--insert` list records (50 patients each, pages of a 5,000-patient list) to the
 * audit service's table, in batches of 64 as the store does, under one variant, then times a
 * patient's disclosures (a page of 50 and the count), p50 / p99:
 *
 * - `gin`: the migrations' GIN index on `patient_ids` (fastupdate on, 4 MB pending list);
 * - `gin-16mb`: the same with a 16 MB pending list;
 * - `gin-nofastupdate`: the same without a pending list;
 * - `side`: no GIN index, a side table `(patient_id, seq)` with a btree, filled by the insert.
 *
 *     deno run -A scripts/bench/audit_indexes.ts <variant> [--insert 100000]
 *
 * @module
 */
import postgres from "postgres";
import { openTestDatabase } from "@pms/testing";
import { listAuditRecord, numberArg, percentile } from "./_util.ts";

const N = numberArg("insert", 100_000);
const BATCH = 64;
const PATIENTS = 5_000;
const PAGE = 50;
const variant = Deno.args[0] ?? "gin";
const patients = Array.from({ length: PATIENTS }, () => crypto.randomUUID());
await using testDb = await openTestDatabase(
  "idx",
  new URL("../../services/audit/migrations", import.meta.url),
);
const sql = postgres(testDb.url, { max: 1, onnotice: () => {} });
if (variant === "gin-nofastupdate") {
  await sql`alter index audit_records_patients set (fastupdate = off)`;
}
if (variant === "gin-16mb") {
  await sql`alter index audit_records_patients set (gin_pending_list_limit = 16384)`;
}
if (variant === "side") {
  await sql`drop index audit_records_patients`;
  await sql`create table audit_record_patients (patient_id uuid not null, seq bigint not null, primary key (patient_id, seq))`;
}
let seq = 0;
const times: number[] = [];
for (let done = 0; done < N; done += BATCH) {
  const rows = Array.from({ length: BATCH }, (_, i) => {
    const r = listAuditRecord(done + i, patients, PAGE);
    const actor = r.actor!;
    return {
      seq: ++seq,
      id: r.id,
      time: r.time,
      actor_user_id: actor.userId,
      actor_email: actor.email,
      actor_role: actor.role,
      action: r.action,
      outcome: r.outcome,
      patient_ids: r.patientIds,
      service: r.service,
      client_address: r.clientAddress,
      request_id: r.requestId,
      trace_id: r.traceId,
      details: r.details,
      prev_hash: "0".repeat(64),
      hash: "f".repeat(64),
    };
  });
  const t0 = performance.now();
  const json = JSON.stringify(rows);
  if (variant === "side") {
    await sql`with r as (select * from jsonb_to_recordset(${json}::text::jsonb) as r(
            seq bigint, id uuid, time timestamptz, actor_user_id text, actor_email text,
            actor_role text, action text, outcome text, patient_ids uuid[], service text,
            client_address text, request_id text, trace_id text, details jsonb,
            prev_hash text, hash text)),
      a as (insert into audit_records select * from r)
      insert into audit_record_patients select distinct p, r.seq from r, unnest(r.patient_ids) p`;
  } else {
    await sql`insert into audit_records select * from jsonb_to_recordset(${json}::text::jsonb) as r(
            seq bigint, id uuid, time timestamptz, actor_user_id text, actor_email text,
            actor_role text, action text, outcome text, patient_ids uuid[], service text,
            client_address text, request_id text, trace_id text, details jsonb,
            prev_hash text, hash text)`;
  }
  times.push((performance.now() - t0) / BATCH);
}
const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
const t = Math.floor(times.length / 10);
await sql`vacuum analyze`;
const sizes =
  await sql`select relname, pg_relation_size(oid)/1048576 mb from pg_class where relname like 'audit_record%' and relkind in ('r','i') order by 1`;
const q = async (page: number) => {
  const ms: number[] = [];
  for (let k = 0; k < 200; k++) {
    const p = patients[Math.floor(Math.random() * PATIENTS)]!;
    const t0 = performance.now();
    if (variant === "side") {
      await sql`select coalesce(json_agg(r.id order by r.time desc, r.seq desc), '[]')::text, (select count(*) from audit_records a join audit_record_patients ap using (seq) where ap.patient_id = ${p} and a.outcome = 'SUCCESS')::int
        from (select a.id, a.time, a.seq from audit_records a join audit_record_patients ap using (seq) where ap.patient_id = ${p} and a.outcome = 'SUCCESS' order by a.time desc, a.seq desc limit 50 offset ${
        page * 50
      }) r`;
    } else {
      await sql`select coalesce(json_agg(r.id order by r.time desc, r.seq desc), '[]')::text, (select count(*) from audit_records where patient_ids @> array[${p}]::uuid[] and outcome = 'SUCCESS')::int
        from (select id, time, seq from audit_records where patient_ids @> array[${p}]::uuid[] and outcome = 'SUCCESS' order by time desc, seq desc limit 50 offset ${
        page * 50
      }) r`;
    }
    ms.push(performance.now() - t0);
  }
  ms.sort((a, b) => a - b);
  return `${percentile(ms, 50).toFixed(2)} / ${percentile(ms, 99).toFixed(2)}`;
};
console.log(
  variant,
  "ms/record all",
  mean(times).toFixed(3),
  "first",
  mean(times.slice(0, t)).toFixed(3),
  "last",
  mean(times.slice(-t)).toFixed(3),
);
console.log(sizes.map((s) => `${s.relname}=${s.mb}`).join(" "));
console.log("disclosures p50/p99 page0", await q(0), "page5", await q(5));
await sql.end();
