import assert from "node:assert/strict";
import { Logger } from "@pms/log";
import { retryOrPark } from "./mod.ts";

Deno.test("retryOrPark() parks a refusal, schedules anything else, and logs either", () => {
  const lines: string[] = [];
  const failed = retryOrPark({
    logger: new Logger({ service: "test", write: (line) => lines.push(line) }),
    retryBaseMs: 100,
    retryMaxMs: 1_000,
    parkedMessage: "refused; parked",
    retryMessage: "not yet; will retry",
  });
  const parked = failed({
    error: new Error("bad field"),
    attempts: 1,
    refused: true,
    fields: { requestId: "r1" },
  });
  assert.deepEqual(parked, { done: false, error: "bad field", parked: true });
  const before = Date.now();
  const later = failed({ error: "x".repeat(600), attempts: 3, refused: false, fields: {} });
  assert.ok("retryAt" in later && later.error.length === 500);
  const wait = later.retryAt.getTime() - before;
  assert.ok(wait >= 200 && wait <= 400 + 50, String(wait));
  // The third failure in a row is not worth a line; the first is.
  assert.equal(lines.length, 1);
  const line = JSON.parse(lines[0]!);
  assert.equal(line.msg ?? line.message, "refused; parked");
  assert.equal(line.requestId, "r1");
});
