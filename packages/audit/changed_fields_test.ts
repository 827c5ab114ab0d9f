import assert from "node:assert/strict";
import { changedFields } from "./changed_fields.ts";

Deno.test("changedFields() names the fields that differ, in the new value's order", () => {
  const current = { name: "A", plan: "", at: new Date(0) };
  assert.deepEqual(changedFields(current, { ...current }), []);
  assert.deepEqual(changedFields(current, { at: new Date(0), plan: "x", name: "B" }), [
    "at",
    "plan",
    "name",
  ]);
});

Deno.test("changedFields() compares a field as told", () => {
  const sameTime = (a: Date, b: Date) => a.getTime() === b.getTime();
  const current = { at: new Date(0), name: "A" };
  assert.deepEqual(changedFields(current, { at: new Date(0), name: "A" }, { at: sameTime }), []);
  assert.deepEqual(changedFields(current, { at: new Date(1), name: "A" }, { at: sameTime }), [
    "at",
  ]);
});
