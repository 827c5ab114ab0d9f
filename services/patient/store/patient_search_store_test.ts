import assert from "node:assert/strict";
import { openTestDatabase } from "@pms/testing";
import { deletePatient, insertPatient, updatePatient } from "./patient_store.ts";
import { type PatientSearch, searchPatients } from "./patient_search_store.ts";
import { findVersion, listVersions } from "./patient_version_store.ts";

const NONE: PatientSearch = {
  name: [],
  family: [],
  given: [],
  email: [],
  birthdate: [],
  id: [],
  sort: [],
  offset: 0,
  count: 50,
};

Deno.test("searchPatients() finds by name words, family, given, email, birth date and id, sorted and paged", async () => {
  await using testDb = await openTestDatabase("patient", new URL("../migrations", import.meta.url));
  const { sql } = testDb.db;
  const add = (name: string, dateOfBirth: string) =>
    insertPatient(sql, crypto.randomUUID(), {
      name,
      email: `${crypto.randomUUID().slice(0, 8)}@example.com`,
      address: "x",
      dateOfBirth,
      registeredDate: "2024-01-01",
    }, "test@example.com");
  const ada = await add("Ada King Lovelace", "1985-12-10");
  const eloise = await add("Éloïse Dupont", "1990-02-28");
  const john = await add("John Doe", "1990-06-15");
  const gone = await add("John Gone", "1990-06-15");
  await deletePatient(sql, gone.id, { changedBy: "t" });
  const names = async (search: Partial<PatientSearch>) => {
    const found = await searchPatients(sql, { ...NONE, ...search });
    return { names: found.patients.map((p) => p.name), total: found.total };
  };
  // The demo seed is not applied by the migrations: only these four (one deleted) exist.
  assert.deepEqual(await names({}), {
    names: ["Ada King Lovelace", "Éloïse Dupont", "John Doe"],
    total: 3,
  });
  assert.deepEqual((await names({ name: [["elo du"]] })).names, ["Éloïse Dupont"]);
  assert.deepEqual((await names({ name: [["jo"], ["do"]] })).names, ["John Doe"]);
  assert.deepEqual((await names({ name: [["ada", "john"]] })).names, [
    "Ada King Lovelace",
    "John Doe",
  ]);
  assert.deepEqual((await names({ family: [["love"]] })).names, ["Ada King Lovelace"]);
  assert.deepEqual((await names({ family: [["king"]] })).names, [], "king is a given name");
  assert.deepEqual((await names({ given: [["king"]] })).names, ["Ada King Lovelace"]);
  assert.deepEqual((await names({ given: [["doe"]] })).names, [], "doe is the family name");
  assert.deepEqual((await names({ given: [["%"]] })).names, [], "% matches itself");
  assert.deepEqual((await names({ email: [[john.email.toUpperCase()]] })).names, ["John Doe"]);
  assert.deepEqual((await names({ id: [[ada.id, eloise.id, gone.id]] })).names, [
    "Ada King Lovelace",
    "Éloïse Dupont",
  ]);
  const range = (prefix: "eq" | "ne" | "gt" | "lt" | "ge" | "le", start: string, end = start) => [{
    prefix,
    start,
    end,
  }];
  assert.deepEqual((await names({ birthdate: [range("eq", "1990-01-01", "1990-12-31")] })).names, [
    "Éloïse Dupont",
    "John Doe",
  ]);
  assert.deepEqual((await names({ birthdate: [range("ne", "1990-01-01", "1990-12-31")] })).names, [
    "Ada King Lovelace",
  ]);
  assert.deepEqual(
    (await names({ birthdate: [range("ge", "1990-02-01", "1990-02-28")] })).names,
    ["Éloïse Dupont", "John Doe"],
  );
  assert.deepEqual(
    (await names({ birthdate: [range("gt", "1990-02-01", "1990-02-28")] })).names,
    ["John Doe"],
  );
  assert.deepEqual(
    (await names({ birthdate: [range("le", "1990-02-01", "1990-02-28")] })).names,
    ["Ada King Lovelace", "Éloïse Dupont"],
  );
  assert.deepEqual(
    (await names({ birthdate: [range("lt", "1990-02-01", "1990-02-28")] })).names,
    ["Ada King Lovelace"],
  );
  assert.deepEqual(
    (await names({
      birthdate: [range("ge", "1990-01-01", "1990-12-31"), range("lt", "1990-06-01", "1990-06-30")],
    })).names,
    ["Éloïse Dupont"],
    "repeated: all must hold",
  );
  assert.deepEqual(
    (await names({ sort: [{ key: "birthdate", descending: true }] })).names,
    ["John Doe", "Éloïse Dupont", "Ada King Lovelace"],
  );
  assert.deepEqual(
    await names({ sort: [{ key: "name", descending: true }], offset: 1, count: 1 }),
    { names: ["Éloïse Dupont"], total: 3 },
  );
  await updatePatient(sql, ada.id, { ...ada, name: "Ada Lovelace" }, { changedBy: "t" });
  assert.equal(
    (await names({ sort: [{ key: "_lastUpdated", descending: true }] })).names[0],
    "Ada Lovelace",
  );
  assert.deepEqual(await names({ offset: 10 }), { names: [], total: 3 });
});

Deno.test("findVersion() and listVersions() read a patient's versions, newest first", async () => {
  await using testDb = await openTestDatabase("patient", new URL("../migrations", import.meta.url));
  const { sql } = testDb.db;
  const p = await insertPatient(sql, crypto.randomUUID(), {
    name: "Ada Lovelace",
    email: "ada@example.com",
    address: "x",
    dateOfBirth: "1985-12-10",
    registeredDate: "2024-01-01",
  }, "a@example.com");
  await updatePatient(sql, p.id, { ...p, name: "Ada King" }, { changedBy: "b@example.com" });
  await deletePatient(sql, p.id, { changedBy: "c@example.com" });
  const two = await findVersion(sql, p.id, 2);
  assert.equal(two?.change, "UPDATED");
  assert.equal(two?.patient.name, "Ada King");
  assert.equal(two?.patient.version, 2);
  assert.match(two?.changedAt ?? "", /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
  assert.equal(await findVersion(sql, p.id, 4), undefined);
  const page = await listVersions(sql, p.id, { offset: 1, limit: 5 });
  assert.equal(page.total, 3);
  assert.deepEqual(page.versions.map((v) => [v.version, v.change]), [[2, "UPDATED"], [
    1,
    "CREATED",
  ]]);
});
