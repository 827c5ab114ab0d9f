/**
 * The bench's data: 1,000 more patients, so a page of 50 is a real page and ids are many, and the
 * files of request paths (`get.lua` reads one path a line) for listing and reading them.
 *
 * @module
 */
import postgres from "postgres";

/** The request-path files of one target. */
export interface PathFiles {
  /** Every page of 50 patients. */
  list: string;
  /** Every patient, one by one. */
  get: string;
}

/** Inserts `count` patients into the patient database and returns every patient's id. */
export async function seedPatients(databaseUrl: string, count = 1000): Promise<string[]> {
  const sql = postgres(databaseUrl, { max: 1, onnotice: () => {} });
  try {
    await sql`
      insert into patients (id, name, email, address, date_of_birth, registered_date)
      select gen_random_uuid(), 'Seeded Patient ' || n, 'seeded.' || n || '@example.com',
             n || ' Bench Street', date '1970-01-01' + n, date '2024-01-01'
      from generate_series(1, ${count}::int) n`;
    await vacuumPatients(databaseUrl);
    return (await sql<{ id: string }[]>`select id from patients`).map((r) => r.id);
  } finally {
    await sql.end();
  }
}

/**
 * `VACUUM ANALYZE patients`, as autovacuum does to a live table: a table bulk-loaded (or grown by
 * thousands of creates) a moment ago has neither statistics nor a visibility map, so the list's
 * index-only scan reads every row it skips from the table (measured after 4,800 creates: 549 heap
 * fetches for page 10, the page's statement 0.59 → 1.04 ms) until autovacuum next visits it
 * (`autovacuum_naptime`, a minute by default).
 */
export async function vacuumPatients(databaseUrl: string): Promise<void> {
  const sql = postgres(databaseUrl, { max: 1, onnotice: () => {} });
  try {
    await sql`vacuum analyze patients`;
  } finally {
    await sql.end();
  }
}

/**
 * Writes `list-<name>.txt` and `get-<name>.txt` into `dir`: the pages and the patients of `ids`,
 * each path under `prefix` (what the gateway puts before the patient service's paths, or `""`).
 */
export async function writePathFiles(
  dir: string,
  name: string,
  prefix: string,
  ids: string[],
): Promise<PathFiles> {
  const files = { list: `${dir}/list-${name}.txt`, get: `${dir}/get-${name}.txt` };
  const pages = Math.ceil(ids.length / 50);
  await Deno.writeTextFile(
    files.list,
    Array.from({ length: pages }, (_, p) => `${prefix}/patients?page=${p}&size=50`).join("\n"),
  );
  await Deno.writeTextFile(files.get, ids.map((id) => `${prefix}/patients/${id}`).join("\n"));
  return files;
}
