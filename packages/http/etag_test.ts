import assert from "node:assert/strict";
import { etagOf, parseEtagList } from "./etag.ts";

Deno.test("etagOf() is a weak tag of the version", () => {
  assert.equal(etagOf(3), 'W/"3"');
});

Deno.test("parseEtagList() reads *, weak and strong tags, and refuses malformed headers", () => {
  assert.equal(parseEtagList("*"), "*");
  assert.deepEqual(parseEtagList('W/"3"'), [3]);
  assert.deepEqual(parseEtagList('"3", W/"5"'), [3, 5]);
  assert.deepEqual(parseEtagList('"abc"'), [], "a tag naming no version names nothing");
  for (const bad of ["3", "W/3", '"3', 'W/"3", 4', "", '"a"b"']) {
    assert.equal(parseEtagList(bad), undefined, bad);
  }
});
