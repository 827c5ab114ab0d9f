import assert from "node:assert/strict";
import { isUuid } from "./is_uuid.ts";

Deno.test("isUuid() accepts canonical UUIDs only", () => {
  assert.equal(isUuid("123e4567-e89b-12d3-a456-426614174000"), true);
  assert.equal(isUuid("123E4567-E89B-12D3-A456-426614174000"), true);
  assert.equal(isUuid("123e4567e89b12d3a456426614174000"), false);
  assert.equal(isUuid("not-a-uuid"), false);
  assert.equal(isUuid(""), false);
  assert.equal(isUuid(undefined), false);
});
