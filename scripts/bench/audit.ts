// deno-lint-ignore-file no-console
/**
 * `deno task bench:audit`: what a list's audit record costs the audit service, per record.
 *
 * 1. CPU, no database: list records (50 patients each, as a page of a patient list) as they
 *    arrive on topic `audit`, decoded and made storable (`decodeAuditRecord`), then numbered,
 *    canonicalised and hashed as `append` does. µs per record, best and median of the rounds.
 * 2. PostgreSQL (a throwaway server unless `PMS_TEST_POSTGRES_URL` names one; the service's
 *    migrations): `--insert` records appended in batches of `--batch` (a group commit or a
 *    consumer fetch), ms per record early and late in the run and the table's and indexes' size;
 *    then a patient's disclosures (a page of 50 and `X-Total-Count`), p50 / p99.
 *
 *     deno task bench:audit [--records 2000] [--rounds 7] [--insert 20000] [--batch 64]
 *                           [--patients 5000] [--queries 200] [--cpu-only]
 *
 * Figures, not assertions; also written to `.results/bench_audit.json`.
 *
 * @module
 */
import { GENESIS_HASH, storableAuditRecords } from "@pms/audit";
import { openTestDatabase } from "@pms/testing";
import { decodeAuditRecord } from "../../services/audit/domain/audit_record_schema.ts";
import { chainRecords } from "../../services/audit/domain/chain_records.ts";
import { createAuditStore, recordsToAppend } from "../../services/audit/store/audit_store.ts";
import { listAuditRecord, numberArg, percentile } from "./_util.ts";
import { writeResult } from "./report.ts";

const RECORDS = numberArg("records", 2_000);
const ROUNDS = numberArg("rounds", 7);
const INSERT = numberArg("insert", 20_000);
const BATCH = numberArg("batch", 64);
const PATIENTS = numberArg("patients", 5_000);
const QUERIES = numberArg("queries", 200);
const PAGE = 50;

const patients = Array.from({ length: PATIENTS }, () => crypto.randomUUID());

const listRecord = (i: number) => listAuditRecord(i, patients, PAGE);

function stats(values: number[]) {
  const sorted = [...values].sort((a, b) => a - b);
  return { best: sorted[0] ?? NaN, median: percentile(sorted, 50) };
}

const round2 = (n: number) => Math.round(n * 100) / 100;
const round3 = (n: number) => Math.round(n * 1000) / 1000;

// 1. CPU.
const payloads = Array.from(
  { length: RECORDS },
  (_, i) => new TextEncoder().encode(JSON.stringify(storableAuditRecords([listRecord(i)])[0])),
);
const decodeUs: number[] = [];
const chainUs: number[] = [];
for (let round = 0; round < ROUNDS + 1; round++) {
  const t0 = performance.now();
  const decoded = payloads.map((bytes) => decodeAuditRecord(bytes));
  const t1 = performance.now();
  // As the consumer appends them (`decodeAuditRecord` normalised them).
  const storable = recordsToAppend(decoded, { normalised: true });
  chainRecords(storable, { seq: 0, hash: GENESIS_HASH }, new Set());
  const t2 = performance.now();
  if (round === 0) continue; // warm-up
  decodeUs.push(((t1 - t0) * 1000) / RECORDS);
  chainUs.push(((t2 - t1) * 1000) / RECORDS);
}
const totalUs = decodeUs.map((d, i) => d + chainUs[i]!);
const cpu = {
  decodeUs: stats(decodeUs),
  appendPrepUs: stats(chainUs),
  totalUs: stats(totalUs),
};
console.log(
  `CPU per list record (${RECORDS} records, ${ROUNDS} rounds), µs best / median:\n` +
    `  decode + normalise          ${round2(cpu.decodeUs.best)} / ${
      round2(cpu.decodeUs.median)
    }\n` +
    `  append: storable + chain    ${round2(cpu.appendPrepUs.best)} / ${
      round2(cpu.appendPrepUs.median)
    }\n` +
    `  total                       ${round2(cpu.totalUs.best)} / ${round2(cpu.totalUs.median)}`,
);

// 2. PostgreSQL.
let insert: unknown;
if (!Deno.args.includes("--cpu-only")) {
  await using testDb = await openTestDatabase(
    "bench_audit",
    new URL("../../services/audit/migrations", import.meta.url),
  );
  const sql = testDb.db.sql;
  const store = createAuditStore(sql);
  const perRecordMs: number[] = [];
  const encoder = new TextEncoder();
  for (let done = 0; done < INSERT; done += BATCH) {
    const batch = Array.from(
      { length: Math.min(BATCH, INSERT - done) },
      (_, i) => listRecord(done + i),
    );
    const t0 = performance.now();
    await store.append(batch.map((r) => decodeAuditRecord(encoder.encode(JSON.stringify(r)))), {
      normalised: true,
    });
    perRecordMs.push((performance.now() - t0) / batch.length);
  }
  const tenth = Math.max(1, Math.floor(perRecordMs.length / 10));
  const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
  const sizes = await sql<{ name: string; mb: number }[]>`
    select c.relname as name, round(pg_relation_size(c.oid) / 1048576.0, 1)::float as mb
    from pg_class c join pg_namespace n on n.oid = c.relnamespace
    where n.nspname = 'public' and c.relkind in ('r', 'i') and c.relname like 'audit_record%'
    order by 1`;
  await sql`analyze`;
  const disclosures = async (page: number) => {
    const ms: number[] = [];
    for (let q = 0; q < QUERIES; q++) {
      const patient = patients[Math.floor(Math.random() * patients.length)]!;
      const t0 = performance.now();
      await store.list({ disclosuresOf: patient }, { page, size: PAGE });
      ms.push(performance.now() - t0);
    }
    ms.sort((a, b) => a - b);
    return { p50: round2(percentile(ms, 50)), p99: round2(percentile(ms, 99)) };
  };
  const patient = patients[0]!;
  const sample = await store.list({ disclosuresOf: patient }, { page: 0, size: PAGE });
  insert = {
    records: INSERT,
    batch: BATCH,
    msPerRecord: {
      all: round3(mean(perRecordMs)),
      firstTenth: round3(mean(perRecordMs.slice(0, tenth))),
      lastTenth: round3(mean(perRecordMs.slice(-tenth))),
    },
    sizesMb: Object.fromEntries(sizes.map((s) => [s.name, s.mb])),
    disclosuresPerPatient: sample.total,
    disclosuresPage0Ms: await disclosures(0),
    disclosuresPage5Ms: await disclosures(5),
  };
  console.log(JSON.stringify(insert, null, 2));
}

await writeResult("bench_audit.json", { cpu, insert });
