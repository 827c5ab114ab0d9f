import assert from "node:assert/strict";
import { Hono } from "hono";
import { notModified } from "./not_modified.ts";

/** A read of version 3 that answers `ok` unless `notModified()` answers first. */
const app = new Hono().get("/", (c) => notModified(c, 3) ?? c.text("ok"));
const read = (ifNoneMatch?: string) =>
  app.request("/", { headers: ifNoneMatch === undefined ? {} : { "If-None-Match": ifNoneMatch } });

Deno.test("notModified() answers 304 without a body, with the ETag, when If-None-Match names the version", async () => {
  for (const header of ['W/"3"', '"3"', '"1", W/"3"', "*", ' W/"2" , "3" ']) {
    const res = await read(header);
    assert.equal(res.status, 304, header);
    assert.equal(res.headers.get("ETag"), 'W/"3"', header);
    assert.equal(await res.text(), "", header);
  }
});

Deno.test("notModified() leaves the answer to the read when If-None-Match is absent, other or malformed", async () => {
  for (const header of [undefined, 'W/"2"', '"4", W/"5"', '"abc"', "3", 'W/"3', ""]) {
    const res = await read(header);
    assert.equal(res.status, 200, header);
    assert.equal(await res.text(), "ok", header);
  }
});

Deno.test("notModified() keeps the headers given for the version", async () => {
  const modified = "Tue, 01 Dec 2026 10:00:00 GMT";
  const dated = new Hono().get(
    "/",
    (c) => notModified(c, 7, { ETag: 'W/"7"', "Last-Modified": modified }) ?? c.text("ok"),
  );
  const res = await dated.request("/", { headers: { "If-None-Match": 'W/"7"' } });
  assert.equal(res.status, 304);
  assert.equal(res.headers.get("Last-Modified"), modified);
  assert.equal(res.headers.get("ETag"), 'W/"7"');
});
