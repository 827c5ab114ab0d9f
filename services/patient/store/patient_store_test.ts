import assert from "node:assert/strict";
import { isUniqueViolation } from "@pms/db";
import { openTestDatabase } from "@pms/testing";
import {
  deletePatient,
  EMAIL_UNIQUE,
  findPatient,
  findPatients,
  insertPatient,
  insertPatients,
  likePattern,
  listPatients,
  readListVersion,
  restorePatient,
  updatePatient,
} from "./patient_store.ts";
import { freshRead } from "./fresh_read.ts";
import type { PatientRecord } from "../domain/patient_record.ts";
import { ListPageCache } from "./list_page_cache.ts";

Deno.test("likePattern() escapes LIKE wildcards so they match themselves", () => {
  assert.equal(likePattern("john"), "%john%");
  assert.equal(likePattern("100%"), "%100\\%%");
  assert.equal(likePattern("a_b"), "%a\\_b%");
  assert.equal(likePattern("back\\slash"), "%back\\\\slash%");
});

Deno.test("listPatients() pages in name order and searches name or email literally", async () => {
  await using testDb = await openTestDatabase("patient", new URL("../migrations", import.meta.url));
  const { db } = testDb;
  const add = (name: string, email: string) =>
    insertPatient(db.sql, crypto.randomUUID(), {
      name,
      email,
      address: "x",
      dateOfBirth: "1990-01-01",
      registeredDate: "2024-01-01",
    }, "test@example.com");
  const zed = await add("Zed 100% Pure", "zed@example.com");
  await add("Amy Plain", "amy_x@example.com");
  await add("Bob Other", "bob@EXAMPLE.com");
  const list = async (query: Parameters<typeof listPatients>[1]) => {
    const page = await listPatients(db.sql, query);
    return { items: JSON.parse(page.json) as PatientRecord[], total: page.total };
  };
  const all = await list({ page: 0, size: 2 });
  assert.equal(all.total, 3);
  assert.deepEqual(all.items.map((p) => p.name), ["Amy Plain", "Bob Other"]);
  const second = await list({ page: 1, size: 2 });
  assert.deepEqual(second.items.map((p) => p.name), ["Zed 100% Pure"]);
  const percent = await list({ page: 0, size: 10, search: "%" });
  assert.deepEqual(percent.items.map((p) => p.name), ["Zed 100% Pure"]);
  const underscore = await list({ page: 0, size: 10, search: "_x" });
  assert.deepEqual(underscore.items.map((p) => p.name), ["Amy Plain"]);
  const email = await list({ page: 0, size: 10, search: "BOB@example" });
  assert.deepEqual(email.items.map((p) => p.name), ["Bob Other"]);
  assert.equal(typeof email.items[0]?.dateOfBirth, "string");
  assert.equal(email.items[0]?.dateOfBirth, "1990-01-01");
  const beyond = await list({ page: 9, size: 10 });
  assert.deepEqual(beyond, { items: [], total: 3 });
  assert.deepEqual(Object.keys(all.items[0]!), [
    "id",
    "name",
    "email",
    "address",
    "dateOfBirth",
    "registeredDate",
    "version",
    "updatedAt",
  ]);
  // The counter behind the unfiltered total follows soft deletes, restores and bulk inserts.
  assert.equal((await deletePatient(db.sql, zed.id, { changedBy: "t" })).outcome, "changed");
  assert.equal((await list({ page: 0, size: 1 })).total, 2);
  assert.equal((await restorePatient(db.sql, zed.id, "t")).outcome, "changed");
  assert.equal((await list({ page: 0, size: 1 })).total, 3);
  assert.equal((await deletePatient(db.sql, zed.id, { changedBy: "t" })).outcome, "changed");
  await db.sql`insert into patients (id, name, email, address, date_of_birth, registered_date)
    select gen_random_uuid(), 'N' || n, 'n' || n || '@example.com', 'x', '1990-01-01',
           '2024-01-01' from generate_series(1, 5) n`;
  assert.equal((await list({ page: 0, size: 1 })).total, 7);
});

Deno.test("listPatients() shows each patient exactly as a read does, after every kind of change", async () => {
  await using testDb = await openTestDatabase("patient", new URL("../migrations", import.meta.url));
  const { db } = testDb;
  const fields = {
    name: 'Éloïse "Quote" O\'Brien',
    email: "eloise@example.com",
    address: "1 Rue\tdes Écoles",
    dateOfBirth: "0999-02-03",
    registeredDate: "2024-01-05",
  };
  const { id } = await insertPatient(db.sql, crypto.randomUUID(), fields, "t@example.com");
  const pageEntry = async () =>
    (JSON.parse((await listPatients(db.sql, { page: 0, size: 10 })).json) as PatientRecord[])
      .find((p) => p.id === id);
  const asRead = async () => {
    const { deleted: _deleted, ...patient } = (await findPatient(db.sql, id))!;
    return patient;
  };
  assert.deepEqual(await pageEntry(), await asRead());
  // A writer whose session formats dates another way still stores the API's form.
  await db.sql.begin(async (tx) => {
    await tx`set local datestyle = 'SQL, DMY'`;
    assert.equal(
      (await updatePatient(tx, id, { ...fields, address: "2 Main St" }, { changedBy: "t" }))
        .outcome,
      "changed",
    );
  });
  const updated = await pageEntry();
  assert.deepEqual(updated, await asRead());
  assert.equal(updated?.dateOfBirth, "0999-02-03");
  assert.equal(updated?.version, 2);
  await deletePatient(db.sql, id, { changedBy: "t" });
  assert.equal(await pageEntry(), undefined);
  await restorePatient(db.sql, id, "t");
  const restored = await pageEntry();
  assert.deepEqual(restored, await asRead());
  assert.equal(restored?.version, 4);
});

Deno.test("insertPatient() keeps the unfiltered total exact when many transactions hold shards at once", async () => {
  await using testDb = await openTestDatabase(
    "patient",
    new URL("../migrations", import.meta.url),
    { max: 12 },
  );
  const { db } = testDb;
  const fields = (n: number) => ({
    name: `Same Name`,
    email: `same.${n}@example.com`,
    address: "1 Same Street",
    dateOfBirth: "1980-01-01",
    registeredDate: "2024-01-01",
  });
  // Twelve transactions each hold a shard until all have inserted: none may wait for another
  // (SKIP LOCKED), and each counts once.
  let inserted = 0;
  let release = () => {};
  const allInserted = new Promise<void>((resolve) => (release = resolve));
  let timer: ReturnType<typeof setTimeout> | undefined;
  const stuck = new Promise((_, reject) => {
    timer = setTimeout(() => {
      release();
      reject(new Error("a transaction waited for another's shard"));
    }, 15_000);
  });
  await Promise.race([
    Promise.all(
      Array.from({ length: 12 }, (_, n) =>
        db.sql.begin(async (tx) => {
          await insertPatient(tx, crypto.randomUUID(), fields(n), "test");
          if (++inserted === 12) release();
          await allInserted;
        })),
    ),
    stuck,
  ]).finally(() => clearTimeout(timer));
  const created = await Promise.all(
    Array.from(
      { length: 30 },
      (_, n) => insertPatient(db.sql, crypto.randomUUID(), fields(100 + n), "test"),
    ),
  );
  await deletePatient(db.sql, created[0]!.id, { changedBy: "test" });
  const [row] = await db.sql<{ shards: number; rows: number }[]>`
    select (select sum(n) from patient_count_shards)::int as shards,
           (select count(*) from patients where deleted_at is null)::int as rows`;
  assert.deepEqual(row, { shards: 41, rows: 41 });
  assert.equal((await listPatients(db.sql, { page: 0, size: 1 })).total, 41);
  // Forty-one patients share the name, address and birth date: the count stops at ten.
  assert.equal(created.at(-1)!.possibleDuplicates, 10);
});

Deno.test("insertPatients() inserts many in one statement, each with its history and its own duplicate count", async () => {
  await using testDb = await openTestDatabase("patient", new URL("../migrations", import.meta.url));
  const { db } = testDb;
  const fields = (name: string, email: string) => ({
    name,
    email,
    address: "1 Main St",
    dateOfBirth: "1980-01-01",
    registeredDate: "2024-01-01",
  });
  const existing = await insertPatient(
    db.sql,
    crypto.randomUUID(),
    fields("Ann Twin", "a@x.org"),
    "t",
  );
  const creates = [
    {
      id: crypto.randomUUID().toUpperCase(),
      input: fields("Ann Twin", "b@x.org"),
      changedBy: "u1",
    },
    { id: crypto.randomUUID(), input: fields("Zed Other", "c@x.org"), changedBy: "u2" },
    { id: crypto.randomUUID(), input: fields("Ann Twin", "d@x.org"), changedBy: "u3" },
  ];
  const rows = await insertPatients(db.sql, creates);
  assert.deepEqual(rows.map((r) => r.id), creates.map((c) => c.id.toLowerCase()));
  assert.deepEqual(rows.map((r) => r.name), ["Ann Twin", "Zed Other", "Ann Twin"]);
  assert.deepEqual(rows.map((r) => r.version), [1, 1, 1]);
  // Each counts the patients that were there before the statement, not its batch's.
  assert.deepEqual(rows.map((r) => r.possibleDuplicates), [1, 0, 1]);
  const history = await db.sql<{ patient_id: string; changed_by: string; change: string }[]>`
    select patient_id::text, changed_by, change from patient_history
    where patient_id <> ${existing.id} order by changed_by`;
  assert.deepEqual(
    [...history],
    creates.map((c) => ({
      patient_id: c.id.toLowerCase(),
      changed_by: c.changedBy,
      change: "CREATED",
    })),
  );
  const [count] = await db.sql<{ n: number }[]>`select sum(n)::int as n from patient_count_shards`;
  assert.equal(count!.n, 4);
});

Deno.test("insertPatients() stores every field as given, whatever its characters", async () => {
  await using testDb = await openTestDatabase("patient", new URL("../migrations", import.meta.url));
  const { db } = testDb;
  const awkward = ["NULL", 'Ann "The Twin", Jr.', "back\\slash {brace}", "  spaced  ", "Zoë 🌱 ɸ"];
  const creates = awkward.map((text, n) => ({
    id: crypto.randomUUID(),
    input: {
      name: text,
      email: `${n}.${text.replace(/[^a-z]/gi, "")}@example.com`,
      address: text,
      dateOfBirth: "1980-01-01",
      registeredDate: "2024-01-01",
    },
    changedBy: text,
  }));
  const rows = await insertPatients(db.sql, creates);
  for (const [n, c] of creates.entries()) {
    const stored = await findPatient(db.sql, c.id);
    assert.equal(stored?.name, c.input.name);
    assert.equal(stored?.address, c.input.address);
    assert.equal(stored?.email, c.input.email);
    assert.equal(rows[n]?.name, c.input.name);
  }
  const actors = await db.sql<{ changed_by: string }[]>`
    select changed_by from patient_history order by changed_by`;
  assert.deepEqual(actors.map((a) => a.changed_by), [...awkward].sort());
});

Deno.test("insertPatients() writes nothing when one email is taken or given twice", async () => {
  await using testDb = await openTestDatabase("patient", new URL("../migrations", import.meta.url));
  const { db } = testDb;
  const fields = (email: string) => ({
    name: "Some One",
    email,
    address: "x",
    dateOfBirth: "1980-01-01",
    registeredDate: "2024-01-01",
  });
  await insertPatient(db.sql, crypto.randomUUID(), fields("taken@x.org"), "t");
  const create = (email: string) => ({
    id: crypto.randomUUID(),
    input: fields(email),
    changedBy: "t",
  });
  for (
    const batch of [[create("new@x.org"), create("TAKEN@x.org")], [
      create("twice@x.org"),
      create("twice@x.org"),
    ]]
  ) {
    await assert.rejects(
      insertPatients(db.sql, batch),
      (error: unknown) => isUniqueViolation(error, EMAIL_UNIQUE),
    );
  }
  const [row] = await db.sql<{ patients: number; history: number; shards: number }[]>`
    select (select count(*) from patients)::int as patients,
           (select count(*) from patient_history)::int as history,
           (select sum(n) from patient_count_shards)::int as shards`;
  assert.deepEqual(row, { patients: 1, history: 1, shards: 1 });
});

Deno.test("listPatients() with a cache answers as without one, and reads a page again only after a write", async () => {
  await using testDb = await openTestDatabase(
    "patient",
    new URL("../migrations", import.meta.url),
  );
  const { db } = testDb;
  // The lists share their reads of the version (`freshRead`), as the service's do.
  const cache = new ListPageCache(16, freshRead(() => readListVersion(db.sql)));
  const fields = (name: string) => ({
    name,
    email: `${name.toLowerCase().replaceAll(" ", ".")}@example.com`,
    address: "1 Main St",
    dateOfBirth: "1980-01-01",
    registeredDate: "2024-01-01",
  });
  const queries: Parameters<typeof listPatients>[1][] = [
    { page: 0, size: 2 },
    { page: 1, size: 2 },
    { page: 0, size: 10, search: "o" },
    { page: 0, size: 10, sort: "-name" },
    { page: 0, size: 10, name: "ann" },
  ];
  const asWithout = async (step: string) => {
    for (const query of queries) {
      const cached = await listPatients(db.sql, query, cache);
      const direct = await listPatients(db.sql, query);
      assert.deepEqual(
        { ...cached, json: JSON.parse(cached.json) },
        { ...direct, json: JSON.parse(direct.json) },
        `${step}: ${JSON.stringify(query)}`,
      );
    }
  };
  const served = async () => {
    const results = [];
    for (const query of queries) {
      results.push(
        await listPatients(db.sql, query, cache) === await listPatients(db.sql, query, cache),
      );
    }
    return results;
  };
  await asWithout("empty");
  const ann = await insertPatient(db.sql, crypto.randomUUID(), fields("Ann Other"), "t");
  await insertPatient(db.sql, crypto.randomUUID(), fields("Bob Stone"), "t");
  await insertPatient(db.sql, crypto.randomUUID(), fields("Cy Young"), "t");
  await asWithout("after inserts");
  // Nothing written since: every page is the one kept, not read again.
  assert.deepEqual(await served(), queries.map(() => true));
  // A statement that touches no patient moves nothing.
  await db.sql`update patients set name = name where false`;
  assert.deepEqual(await served(), queries.map(() => true));
  await updatePatient(db.sql, ann.id, { ...fields("Ann Other"), address: "2 Elm St" }, {
    changedBy: "t",
  });
  await asWithout("after an update");
  await deletePatient(db.sql, ann.id, { changedBy: "t" });
  await asWithout("after a delete");
  // A write not yet committed is not shown; once committed, it is.
  await db.sql.begin(async (tx) => {
    await restorePatient(tx, ann.id, "t");
    await asWithout("restore in flight");
  });
  await asWithout("after a restore");
  await db.sql`delete from patient_history`.catch(() => {});
  await asWithout("after a refused statement");
});

Deno.test("findPatients() reads as findPatient() does, many ids in one statement", async () => {
  await using testDb = await openTestDatabase("patient", new URL("../migrations", import.meta.url));
  const { db } = testDb;
  const fields = (name: string) => ({
    name,
    email: `${name.toLowerCase()}@example.com`,
    address: "1 Main St",
    dateOfBirth: "1980-01-01",
    registeredDate: "2024-01-01",
  });
  const kept = await insertPatient(db.sql, crypto.randomUUID(), fields("Kept"), "t");
  const other = await insertPatient(db.sql, crypto.randomUUID(), fields("Other"), "t");
  const gone = await insertPatient(db.sql, crypto.randomUUID(), fields("Gone"), "t");
  await deletePatient(db.sql, gone.id, { changedBy: "t" });
  const unknown = crypto.randomUUID();
  const found = await findPatients(db.sql, [kept.id.toUpperCase(), other.id, gone.id, unknown]);
  assert.deepEqual([...found.keys()].sort(), [kept.id, other.id].sort());
  assert.deepEqual(found.get(kept.id), await findPatient(db.sql, kept.id));
  assert.deepEqual(found.get(other.id), await findPatient(db.sql, other.id));
  assert.equal((await findPatients(db.sql, [])).size, 0);
});
