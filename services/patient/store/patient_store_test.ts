import assert from "node:assert/strict";
import { openTestDatabase } from "@pms/testing";
import {
  deletePatient,
  insertPatient,
  likePattern,
  listPatients,
  restorePatient,
} from "./patient_store.ts";
import type { PatientRecord } from "./patient_store.ts";

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
