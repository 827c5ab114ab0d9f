import assert from "node:assert/strict";
import { ConfigError } from "@pms/config";
import { loadAuditConfig } from "./config.ts";

const base = { DATABASE_URL: "postgres://audit@localhost/audit" };

Deno.test("loadAuditConfig() checkpoints every 1,000 records or 60 s on <AUDIT_TOPIC>.checkpoints by default", () => {
  const config = loadAuditConfig(base);
  assert.equal(config.AUDIT_CHECKPOINT_EVERY, 1_000);
  assert.equal(config.AUDIT_CHECKPOINT_SECONDS, 60);
  assert.equal(config.AUDIT_CHECKPOINTS_TOPIC, "audit.checkpoints");
  assert.ok(!config.AUDIT_CHECKPOINT_FILE);
  assert.equal(
    loadAuditConfig({ ...base, AUDIT_TOPIC: "audit-x" }).AUDIT_CHECKPOINTS_TOPIC,
    "audit-x.checkpoints",
  );
  assert.equal(
    loadAuditConfig({ ...base, AUDIT_CHECKPOINTS_TOPIC: "evidence" }).AUDIT_CHECKPOINTS_TOPIC,
    "evidence",
  );
});

Deno.test("loadAuditConfig() refuses production without AUDIT_CHECKPOINT_KEY and bad checkpoint counts, naming them", () => {
  const cases: [Record<string, string>, string][] = [
    [{ APP_ENV: "production" }, "AUDIT_CHECKPOINT_KEY"],
    [{ AUDIT_CHECKPOINT_EVERY: "0" }, "AUDIT_CHECKPOINT_EVERY"],
    [{ AUDIT_CHECKPOINT_SECONDS: "soon" }, "AUDIT_CHECKPOINT_SECONDS"],
  ];
  for (const [env, variable] of cases) {
    assert.throws(
      () => loadAuditConfig({ ...base, ...env }),
      (error: unknown) => error instanceof ConfigError && error.problems[0]?.variable === variable,
      variable,
    );
  }
  const key = "-----BEGIN PRIVATE KEY-----\nx\n-----END PRIVATE KEY-----";
  assert.equal(
    loadAuditConfig({ ...base, APP_ENV: "production", AUDIT_CHECKPOINT_KEY: key })
      .AUDIT_CHECKPOINT_KEY,
    key,
  );
});
