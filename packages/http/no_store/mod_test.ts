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
