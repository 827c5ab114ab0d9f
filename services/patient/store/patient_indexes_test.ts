import assert from "node:assert/strict";
import postgres from "postgres";
import { openTestDatabase } from "@pms/testing";

// deno-lint-ignore no-console
const show = Deno.env.get("PMS_SHOW_PLANS") ? console.log : () => {};

/**
 * Each sort of `GET /api/patients` (`sort=name`, `-name`, `dateOfBirth`, …) against 20,000
 * patients: the planner reads one of the three sort indexes, forwards or backwards (a descending
 * sort then orders only equal keys by id, an Incremental Sort), and never sorts the whole table.
 * Run with `PMS_SHOW_PLANS=1` to print the plans.
 */
Deno.test("the patient list's sorts read an index, without sorting the table", async () => {
  await using testDb = await openTestDatabase("patient", new URL("../migrations", import.meta.url));
  // As the owner: the service's own login may not ANALYZE.
  const sql = postgres(testDb.url, { max: 1, onnotice: () => {} });
  await using _ = { [Symbol.asyncDispose]: () => sql.end() };
  await sql`
    insert into patients (id, name, email, address, date_of_birth, registered_date)
    select gen_random_uuid(), 'Patient ' || (i % 997) || ' ' || i, 'p' || i || '@example.com',
           i || ' Street', date '1950-01-01' + (i % 20000), date '2020-01-01' + (i % 1500)
    from generate_series(1, 20000) i`;
  await sql`analyze patients`;
  const sorts = [
    "name_key, name, id",
    "name_key desc, name desc, id",
    "date_of_birth, id",
    "date_of_birth desc, id",
    "registered_date, id",
    "registered_date desc, id",
  ];
  for (const sort of sorts) {
    const plan = (await sql.unsafe(
      `explain select id from patients where deleted_at is null order by ${sort} limit 50 offset 100`,
    )).map((r) => Object.values(r)[0]).join("\n");
    show(`-- ${sort}\n${plan}`);
    assert.match(plan, /Index (Only )?Scan/, `${sort}:\n${plan}`);
    // An Incremental Sort of an index's output sorts only the ties; a plain Sort sorts the table.
    const fullSort = plan.split("\n").some((line) => /^(->\s*)?Sort\s+\(cost/.test(line.trim()));
    assert.ok(!fullSort, `${sort} sorts the table:\n${plan}`);
  }
});
