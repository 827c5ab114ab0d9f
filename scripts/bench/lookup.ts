// deno-lint-ignore-file no-console
/**
 * `deno task bench:lookup`: seeds 100,000 patients (names with accents, shared prefixes, birth
 * dates over 90 years) into the patient service's database, then times, one request at a time,
 * name + date-of-birth lookups, name-only lookups and duplicate-candidate calls: over HTTP to the
 * patient service and through the gateway (client-observed, so server time plus loopback), and
 * the same queries at the database alone (the store's functions). Prints p50/p99 and the
 * `EXPLAIN (ANALYZE)` of a lookup. Figures, not assertions; results also go to
 * `.results/bench_lookup.json`.
 *
 *     deno task bench:lookup [--patients N] [--requests N]
 *
 * @module
 */
import postgres from "postgres";
import { listPatients } from "../../services/patient/store/patient_store.ts";
import { findDuplicates } from "../../services/patient/store/duplicate_store.ts";
import { gatewayPrefix, loginSeededUser, numberArg, percentile } from "./_util.ts";
import { writeResult } from "./report.ts";
import { startBenchSystem } from "./system.ts";

const PATIENTS = numberArg("patients", 100_000);
const REQUESTS = numberArg("requests", 500);

const FIRST = [
  "John",
  "Johanna",
  "Jonah",
  "José",
  "Joël",
  "Éloïse",
  "Elodie",
  "Eleanor",
  "Zoë",
  "Zoe",
  "Ana",
  "Anna",
  "Ángel",
  "Renée",
  "René",
  "Mary",
  "Maria",
  "María",
  "Marie",
  "Mark",
  "Michael",
  "Michaela",
  "Noah",
  "Nora",
  "Olivia",
  "Oliver",
  "Liam",
  "Lea",
  "Léa",
  "Lucas",
  "Lucía",
  "Emma",
  "Emil",
  "Amelia",
  "Aisha",
  "Ahmed",
  "Fatima",
  "Yusuf",
  "Hannah",
  "Henry",
  "Isabel",
  "Isaac",
  "Jack",
  "Jacob",
  "Sofia",
  "Sophie",
  "Søren",
  "Thomas",
  "Tomás",
  "William",
];
const LAST = [
  "Doe",
  "Domínguez",
  "Döring",
  "de Vries",
  "Dupont",
  "García",
  "Garcia",
  "Lopez",
  "López",
  "O'Neil",
  "Smith",
  "Smyth",
  "Schmidt",
  "Schmitt",
  "Müller",
  "Mueller",
  "Martin",
  "Martínez",
  "Nguyen",
  "Novak",
  "Nowak",
  "Kowalski",
  "Kim",
  "Khan",
  "Brown",
  "Braun",
  "Johnson",
  "Jensen",
  "Jansen",
  "Hansen",
  "Andersson",
  "Andersen",
  "Rossi",
  "Russo",
  "Ferrari",
  "Fischer",
  "Weber",
  "Wagner",
  "Becker",
  "Hoffmann",
  "Silva",
  "Santos",
  "Sousa",
  "Pereira",
  "Costa",
  "Moreau",
  "Lefèvre",
  "Lambert",
  "Bernard",
  "Petit",
  "Durand",
  "Leroy",
  "Gómez",
  "Díaz",
  "Pérez",
  "Sánchez",
  "Ramírez",
  "Torres",
  "Flores",
  "Rivera",
];

const bench = await startBenchSystem({ databases: [], fast: true });
const { system } = bench;
const sql = postgres(system.databaseUrls.patient!, { max: 2, onnotice: () => {} });

/** Milliseconds of `n` sequential calls of `call(i)`, sorted. */
async function timeEach(n: number, call: (i: number) => Promise<unknown>): Promise<number[]> {
  const times: number[] = [];
  for (let i = 0; i < n; i++) {
    const t0 = performance.now();
    await call(i);
    times.push(performance.now() - t0);
  }
  return times.sort((a, b) => a - b);
}

const figures = (times: number[]) => ({
  p50Ms: Number(percentile(times, 50).toFixed(2)),
  p99Ms: Number(percentile(times, 99).toFixed(2)),
});

try {
  const seedStart = performance.now();
  await sql`
    insert into patients (id, name, email, address, date_of_birth, registered_date)
    select gen_random_uuid(),
      (${FIRST}::text[])[1 + n % ${FIRST.length}] || ' ' ||
        (${LAST}::text[])[1 + (n / ${FIRST.length}) % ${LAST.length}],
      'lookup.' || n || '@example.com', (n % 997) || ' Bench Street',
      date '1930-01-01' + (hashint4(n)::bigint & 32767)::int, date '2024-01-01'
    from generate_series(1, ${PATIENTS}::int) n`;
  await sql`analyze patients`;
  const seededMs = Math.round(performance.now() - seedStart);

  // Lookups as a front desk types them: the first letters of the first name and of the last,
  // and the date of birth, of patients picked at random.
  const sample = await sql<{ id: string; name: string; dob: string }[]>`
    select id, name, date_of_birth::text as dob from patients tablesample system (5)
    order by random() limit ${REQUESTS}`;
  const typed = sample.map((p) => {
    const [first = "", ...rest] = p.name.split(" ");
    const last = rest.at(-1) ?? "";
    return { id: p.id, name: `${first.slice(0, 3)} ${last.slice(0, 2)}`, dob: p.dob };
  });

  const token = await loginSeededUser(system.urls.gateway!);
  const headers = { Authorization: `Bearer ${token}` };
  const get = async (url: string) => {
    const res = await fetch(url, { headers });
    if (res.status !== 200) throw new Error(`${url}: ${res.status} ${await res.text()}`);
    await res.arrayBuffer();
  };
  const direct = `${system.urls.patient!}/patients`;
  const viaGateway = `${system.urls.gateway!}${gatewayPrefix("patient")}/patients`;
  const q = (t: (typeof typed)[number], withDob: boolean) =>
    `?name=${encodeURIComponent(t.name)}${withDob ? `&dateOfBirth=${t.dob}` : ""}`;
  const at = (i: number) => typed[i % typed.length]!;

  // Warm-up: JIT, pools, plan caches.
  await timeEach(100, (i) => get(`${direct}${q(at(i), true)}`));
  await timeEach(50, (i) => get(`${direct}/${at(i).id}/duplicates`));

  const result = {
    patients: PATIENTS + 15,
    requests: REQUESTS,
    seededMs,
    database: {
      nameAndDob: figures(
        await timeEach(
          REQUESTS,
          (i) => listPatients(sql, { page: 0, size: 50, name: at(i).name, dateOfBirth: at(i).dob }),
        ),
      ),
      nameOnly: figures(
        await timeEach(REQUESTS, (i) => listPatients(sql, { page: 0, size: 50, name: at(i).name })),
      ),
      duplicates: figures(await timeEach(REQUESTS, (i) => findDuplicates(sql, at(i).id))),
    },
    direct: {
      nameAndDob: figures(await timeEach(REQUESTS, (i) => get(`${direct}${q(at(i), true)}`))),
      nameOnly: figures(await timeEach(REQUESTS, (i) => get(`${direct}${q(at(i), false)}`))),
      duplicates: figures(await timeEach(REQUESTS, (i) => get(`${direct}/${at(i).id}/duplicates`))),
    },
    gateway: {
      nameAndDob: figures(await timeEach(REQUESTS, (i) => get(`${viaGateway}${q(at(i), true)}`))),
      duplicates: figures(
        await timeEach(REQUESTS, (i) => get(`${viaGateway}/${at(i).id}/duplicates`)),
      ),
    },
  };
  // The plan of one name + date-of-birth lookup, as the store builds it.
  const example = at(0);
  const plan = await sql.unsafe(
    `explain (analyze, buffers, costs off)
     select * from patients
     where deleted_at is null
       and name_key like '% ' || pms_fold($1) || '%'
       and name_key like '% ' || pms_fold($2) || '%'
       and date_of_birth = $3::date
     order by name_key, name, id limit 50`,
    [...example.name.split(" "), example.dob],
  );
  const explain = plan.map((row) => Object.values(row)[0]).join("\n");

  const line = (label: string, f: { p50Ms: number; p99Ms: number }) =>
    `  ${label.padEnd(34)} p50 ${String(f.p50Ms).padStart(6)} ms   p99 ${
      String(f.p99Ms).padStart(6)
    } ms`;
  console.log(`
lookup over ${
    result.patients.toLocaleString("en")
  } patients, ${REQUESTS} requests each, one at a time (seeded in ${seededMs} ms)
 database (the store's query alone)
${line("name + dateOfBirth", result.database.nameAndDob)}
${line("name only (2 word prefixes)", result.database.nameOnly)}
${line("duplicates", result.database.duplicates)}
 HTTP, patient service
${line("name + dateOfBirth", result.direct.nameAndDob)}
${line("name only (2 word prefixes)", result.direct.nameOnly)}
${line("duplicates", result.direct.duplicates)}
 HTTP, through the gateway
${line("name + dateOfBirth", result.gateway.nameAndDob)}
${line("duplicates", result.gateway.duplicates)}

EXPLAIN ANALYZE of name=${JSON.stringify(example.name)}&dateOfBirth=${example.dob}:
${explain}
`);
  await writeResult("bench_lookup.json", { ...result, explain });
} finally {
  await sql.end();
  await bench.stop();
}
