import assert from "node:assert/strict";
import { Hono } from "hono";
import { answerVersion } from "./answer_version.ts";

const record = { id: "r1", version: 2 };
const app = new Hono()
  .get("/things/r1", (c) => answerVersion(c, record, 200))
  .patch("/things/r1", (c) => answerVersion(c, record, 200))
  .post("/things", (c) => answerVersion(c, record, 201, "/things"));
const ifNoneMatch = (tag: string) => ({ headers: { "If-None-Match": tag } });

Deno.test("answerVersion() answers the record with its ETag, and a Location for a collection", async () => {
  const read = await app.request("/things/r1");
  assert.equal(read.status, 200);
  assert.equal(read.headers.get("ETag"), 'W/"2"');
  assert.deepEqual(await read.json(), record);
  const created = await app.request("/things", { method: "POST" });
  assert.equal(created.status, 201);
  assert.equal(created.headers.get("Location"), "/things/r1");
});

Deno.test("answerVersion() answers a read 304 without a body when If-None-Match names the version", async () => {
  for (const tag of ['W/"2"', '"2"', 'W/"1", W/"2"', "*"]) {
    const res = await app.request("/things/r1", ifNoneMatch(tag));
    assert.equal(res.status, 304, tag);
    assert.equal(res.headers.get("ETag"), 'W/"2"', tag);
    assert.equal(await res.text(), "", tag);
  }
  const head = await app.request("/things/r1", { method: "HEAD", ...ifNoneMatch('W/"2"') });
  assert.equal(head.status, 304);
  const other = await app.request("/things/r1", ifNoneMatch('W/"1"'));
  assert.equal(other.status, 200);
  assert.deepEqual(await other.json(), record);
});

Deno.test("answerVersion() answers a change whatever its If-None-Match", async () => {
  const patched = await app.request("/things/r1", { method: "PATCH", ...ifNoneMatch("*") });
  assert.equal(patched.status, 200);
  assert.deepEqual(await patched.json(), record);
  const created = await app.request("/things", { method: "POST", ...ifNoneMatch("*") });
  assert.equal(created.status, 201);
});
