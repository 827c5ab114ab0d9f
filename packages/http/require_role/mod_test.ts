import assert from "node:assert/strict";
import { Hono } from "hono";
import type { AppEnv } from "../app_env.ts";
import type { TokenClaims } from "@pms/jwt";
import { errorHandler } from "../error_handler.ts";
import { memoryLogger } from "../_test_util.ts";
import { requireRole } from "./mod.ts";

function appAs(role: TokenClaims["role"] | undefined) {
  const { logger } = memoryLogger();
  return new Hono<AppEnv>()
    .use(async (c, next) => {
      if (role) c.set("user", { role } as TokenClaims);
      await next();
    })
    .get("/admin", requireRole("ADMIN"), (c) => c.json({ ok: true }))
    .get("/staff", requireRole("ADMIN", "CLINICIAN"), (c) => c.json({ ok: true }))
    .onError(errorHandler({ logger }));
}

Deno.test("requireRole() lets the listed roles through and answers 403 JSON to the others", async () => {
  const cases: [TokenClaims["role"] | undefined, string, number][] = [
    ["ADMIN", "/admin", 200],
    ["CLINICIAN", "/admin", 403],
    ["CLINICIAN", "/staff", 200],
    ["AUDITOR", "/staff", 403],
    [undefined, "/staff", 403],
  ];
  for (const [role, path, status] of cases) {
    const res = await appAs(role).request(path);
    assert.equal(res.status, status, `${role} ${path}`);
    if (status === 403) assert.deepEqual(await res.json(), { message: "Forbidden" });
    else await res.body?.cancel();
  }
});
