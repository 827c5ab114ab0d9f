import assert from "node:assert/strict";
import { Hono } from "hono";
import type { AppEnv } from "../app_env.ts";
import { errorHandler } from "../error_handler.ts";
import { memoryLogger } from "../_test_util.ts";
import { DuplicateEmailError } from "./duplicate_email_error.ts";
import { DomainError } from "./mod.ts";
import { notFound } from "./not_found.ts";
import { requireVersion } from "./require_version.ts";

function appThrowing(error: Error) {
  const { logger } = memoryLogger();
  return new Hono<AppEnv>().get("/", () => {
    throw error;
  }).onError(errorHandler({ logger }));
}

Deno.test("DomainError() is answered by its kind: status, message and headers", async () => {
  const cases: [DomainError, number, unknown][] = [
    [new DomainError("not_found", "Thing not found"), 404, { message: "Thing not found" }],
    [new DuplicateEmailError(), 409, { message: "Email address already exists" }],
    [new DomainError("invalid", "Too much", { field: "amount" }), 400, { amount: "Too much" }],
    [new DomainError("gone", "Deleted"), 410, { message: "Deleted" }],
  ];
  for (const [error, status, body] of cases) {
    const res = await appThrowing(error).request("/");
    assert.equal(res.status, status);
    assert.deepEqual(await res.json(), body);
  }
  const stale = await appThrowing(
    new DomainError("precondition", "Changed", { headers: { ETag: 'W/"3"' } }),
  ).request("/");
  assert.equal(stale.status, 412);
  assert.equal(stale.headers.get("ETag"), 'W/"3"');
  await stale.body?.cancel();
});

Deno.test("notFound() and requireVersion() word their answers from the record's name", async () => {
  const missing = await appThrowing(notFound("Encounter")).request("/");
  assert.equal(missing.status, 404);
  assert.deepEqual(await missing.json(), { message: "Encounter not found" });
  assert.doesNotThrow(() => requireVersion(3, "Note", undefined));
  assert.doesNotThrow(() => requireVersion(3, "Note", [2, 3]));
  const stale = (() => {
    try {
      requireVersion(3, "Note", [2]);
    } catch (error) {
      return error as Error;
    }
  })();
  assert.ok(stale);
  const res = await appThrowing(stale).request("/");
  assert.equal(res.status, 412);
  assert.equal(res.headers.get("ETag"), 'W/"3"');
  assert.deepEqual(await res.json(), { message: "Note was changed by someone else" });
});
