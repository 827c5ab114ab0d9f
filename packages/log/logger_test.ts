import assert from "node:assert/strict";
import { Logger, type LogLevel } from "./mod.ts";

function capture(level: LogLevel = "info") {
  const lines: Record<string, unknown>[] = [];
  const logger = new Logger({
    service: "test",
    level,
    write: (line) => lines.push(JSON.parse(line)),
  });
  return { logger, lines };
}

Deno.test("Logger writes one JSON object per line with service and level", () => {
  const { logger, lines } = capture();
  logger.info("started", { port: 1 });
  assert.equal(lines.length, 1);
  assert.equal(lines[0]?.service, "test");
  assert.equal(lines[0]?.level, "info");
  assert.equal(lines[0]?.msg, "started");
  assert.equal(lines[0]?.port, 1);
});

Deno.test("Logger drops lines below its level", () => {
  const { logger, lines } = capture("warn");
  logger.info("hidden");
  logger.warn("shown");
  assert.deepEqual(lines.map((l) => l.msg), ["shown"]);
});

Deno.test("Logger.child() adds fields to every line", () => {
  const { logger, lines } = capture();
  logger.child({ requestId: "r1" }).error("failed", { err: new TypeError("boom") });
  assert.equal(lines[0]?.requestId, "r1");
  assert.deepEqual(lines[0]?.err, { name: "TypeError", message: "boom" });
});
