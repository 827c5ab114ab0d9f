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
    // A live table has been vacuumed and analysed by autovacuum long before anyone lists it; a
    // table bulk-loaded a second ago has neither statistics nor a visibility map, so the list's
    // index-only scan would read every row it skips.
    await sql`vacuum analyze patients`;
    return (await sql<{ id: string }[]>`select id from patients`).map((r) => r.id);
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
