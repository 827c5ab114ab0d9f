// deno-lint-ignore-file no-console
/**
 * `deno task bench:export`: starts the whole system (real PostgreSQL and Kafka), writes N
 * patients straight into the patient database, and times a FHIR Bulk Data export of all of them
 * (`$export?_type=Patient`, kick-off to manifest) and the download of the NDJSON file. Prints
 * patients per second for both. Figures, not assertions; results also go to
 * `.results/bench_export.json`.
 *
 *     deno task bench:export [--patients N]
 *
 * @module
 */
import postgres from "postgres";
import { loginSeededUser, numberArg } from "./_util.ts";
import { writeResult } from "./report.ts";
import { startBenchSystem } from "./system.ts";

const N = numberArg("patients", 10_000);

const bench = await startBenchSystem({ databases: [], fast: true });
const gateway = bench.system.urls.gateway!;
const patientDb = postgres(bench.system.databaseUrls.patient!, { max: 1, onnotice: () => {} });
try {
  await patientDb`
    insert into patients (id, name, email, address, date_of_birth, registered_date)
    select gen_random_uuid(), 'Export Patient ' || i, 'export.' || i || '@example.com',
      i || ' Export Street', date '1950-01-01' + (i % 20000), date '2024-01-01'
    from generate_series(1, ${N}) as i`;
  const token = await loginSeededUser(gateway);
  const auth = { Authorization: `Bearer ${token}` };
  const started = performance.now();
  const kickOff = await fetch(`${gateway}/fhir/R4/$export?_type=Patient`, {
    headers: { ...auth, Prefer: "respond-async" },
  });
  await kickOff.body?.cancel();
  // Links carry FHIR_BASE_URL; the bench asks this system's gateway.
  const local = (url: string) => `${gateway}${url.slice(url.indexOf("/fhir/R4/"))}`;
  const status = local(kickOff.headers.get("content-location")!);
  let manifest: { output: { type: string; url: string; count: number }[] } | undefined;
  while (!manifest) {
    const res = await fetch(status, { headers: auth });
    if (res.status === 200) manifest = await res.json();
    else await res.body?.cancel();
    if (!manifest) await new Promise((resolve) => setTimeout(resolve, 50));
  }
  const exportedMs = performance.now() - started;
  const file = manifest.output.find((o) => o.type === "Patient")!;
  const downloadStart = performance.now();
  const res = await fetch(local(file.url), { headers: auth });
  let bytes = 0;
  for await (const chunk of res.body!) bytes += chunk.length;
  const downloadMs = performance.now() - downloadStart;
  const result = {
    machine: `${navigator.hardwareConcurrency} cores, Deno ${Deno.version.deno}`,
    patients: file.count,
    exportSeconds: Number((exportedMs / 1000).toFixed(2)),
    exportPatientsPerSecond: Math.round(file.count / (exportedMs / 1000)),
    downloadSeconds: Number((downloadMs / 1000).toFixed(2)),
    downloadMegabytes: Number((bytes / 1e6).toFixed(1)),
    downloadPatientsPerSecond: Math.round(file.count / (downloadMs / 1000)),
  };
  console.log(`
bulk export of ${result.patients} patients through the gateway
  kick-off → manifest   ${result.exportSeconds} s   ${result.exportPatientsPerSecond} patients/s
  NDJSON download       ${result.downloadSeconds} s   ${result.downloadMegabytes} MB   ${result.downloadPatientsPerSecond} patients/s
`);
  await writeResult("bench_export.json", result);
} finally {
  await patientDb.end();
  await bench.stop();
}
