import assert from "node:assert/strict";
import { Hono } from "hono";
import type { AppEnv } from "../app_env.ts";
import { noStore } from "./mod.ts";

Deno.test("noStore() marks responses, errors included, as not to be stored", async () => {
  const app = new Hono<AppEnv>().use(noStore())
    .get("/ok", (c) => c.json({ token: "t" }))
    .get("/missing", (c) => c.json({ message: "Not found" }, 404));
  for (const path of ["/ok", "/missing"]) {
    const res = await app.request(path);
    assert.equal(res.headers.get("Cache-Control"), "no-store", path);
    assert.equal(res.headers.get("Pragma"), "no-cache", path);
    await res.body?.cancel();
  }
});

Deno.test("noStore() keeps a route's own Cache-Control", async () => {
  const app = new Hono<AppEnv>().use(noStore())
    .get("/keys", (c) => c.json({ keys: [] }, 200, { "Cache-Control": "public, max-age=300" }));
  const res = await app.request("/keys");
  assert.equal(res.headers.get("Cache-Control"), "public, max-age=300");
  assert.equal(res.headers.get("Pragma"), null);
  await res.body?.cancel();
});

Deno.test("noStore() marks the handler's own answer instead of copying it", async () => {
  let made: Response | undefined;
  let answered: Response | undefined;
  const app = new Hono<AppEnv>()
    .use(async (c, next) => {
      await next();
      answered = c.res;
    })
    .use(noStore())
    .get("/ok", (c) => (made = c.json({ token: "t" })));
  const res = await app.request("/ok");
  assert.equal(res.headers.get("Cache-Control"), "no-store");
  assert.ok(made !== undefined && answered === made, "the same Response, its text body kept");
  await res.body?.cancel();
});

Deno.test("noStore() marks an answer whose headers cannot change on a copy", async () => {
  const app = new Hono<AppEnv>().use(noStore())
    .get("/passed-on", () => Response.redirect("http://localhost/elsewhere", 302));
  const res = await app.request("/passed-on");
  assert.equal(res.status, 302);
  assert.equal(res.headers.get("Cache-Control"), "no-store");
  await res.body?.cancel();
});
