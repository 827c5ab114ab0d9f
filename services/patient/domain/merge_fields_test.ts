import assert from "node:assert/strict";
import { chooseFields } from "./merge_fields.ts";

const target = {
  name: "Ann Lee",
  email: "ann@example.com",
  address: "1 Main St",
  dateOfBirth: "1980-01-01",
  registeredDate: "2020-01-01",
};
const source = {
  name: "Anne Lee",
  email: "anne@example.com",
  address: "2 High St",
  dateOfBirth: "1980-01-02",
  registeredDate: "2019-05-05",
};

Deno.test("chooseFields() keeps the target's values unless the source is chosen", () => {
  assert.deepEqual(chooseFields(target, source, {}), target);
  assert.deepEqual(chooseFields(target, source, { email: "source", name: "target" }), {
    ...target,
    email: "anne@example.com",
  });
});

Deno.test("chooseFields() takes every field the source is chosen for", () => {
  const all = {
    name: "source",
    email: "source",
    address: "source",
    dateOfBirth: "source",
  } as const;
  assert.deepEqual(chooseFields(target, source, { ...all, registeredDate: "source" }), source);
});
