import assert from "node:assert/strict";
import { pageOf } from "./page_of.ts";

Deno.test("pageOf() reads page and size, with their defaults", () => {
  assert.deepEqual(pageOf({}, 50), { page: 0, size: 50 });
  assert.deepEqual(pageOf({ page: "3", size: "10" }, 50), { page: 3, size: 10 });
});
