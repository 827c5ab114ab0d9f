import assert from "node:assert/strict";
import { canonicalUuid } from "./canonical_uuid.ts";
import { isUuid } from "./is_uuid.ts";

Deno.test("canonicalUuid() answers a UUID in lower case, and nothing else", () => {
  const lower = "123e4567-e89b-12d3-a456-426614174000";
  assert.equal(canonicalUuid(lower), lower);
  assert.equal(canonicalUuid("123E4567-E89B-12D3-A456-426614174000"), lower);
  assert.equal(canonicalUuid("123e4567-E89B-12d3-a456-426614174000"), lower);
  for (
    const value of [
      "123e4567e89b12d3a456426614174000",
      "123e4567-e89b-12d3-a456-42661417400g",
      "123e4567-e89b-12d3-a456_426614174000",
      "123e4567-e89b-12d3-a456-4266141740000",
      "123e4567-e89b-12d3-a456-42661417400\u0660",
      " 123e4567-e89b-12d3-a456-42661417400",
      "",
      undefined,
      null,
      42,
      ["123e4567-e89b-12d3-a456-426614174000"],
    ]
  ) assert.equal(canonicalUuid(value), undefined, String(value));
});

Deno.test("canonicalUuid() agrees with isUuid() on every one-character change of a UUID", () => {
  const base = "0123abcd-ef45-6789-ABCD-ef0123456789";
  const characters = [..."0123456789abcdefABCDEFgG-_ z\u0130\u212a\uff10"];
  for (let i = 0; i < base.length; i++) {
    for (const character of characters) {
      const value = base.slice(0, i) + character + base.slice(i + 1);
      assert.equal(canonicalUuid(value), isUuid(value) ? value.toLowerCase() : undefined, value);
    }
  }
});
