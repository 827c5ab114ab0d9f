import assert from "node:assert/strict";
import { ConfigError, loadConfig, shapes } from "@pms/config";
import { kafkaSecurity } from "./kafka_security.ts";

/** The variables `kafkaSecurity` names for `env`, read through the services' config shape. */
function problemsOf(env: Record<string, string>): string[] {
  try {
    kafkaSecurity(loadConfig(shapes.auditTrail(), env));
    return [];
  } catch (error) {
    assert.ok(error instanceof ConfigError);
    return error.problems.map((p) => p.variable);
  }
}

Deno.test("kafkaSecurity() without settings is plaintext without a login", () => {
  assert.deepEqual(kafkaSecurity(loadConfig(shapes.auditTrail(), {})), { ssl: false });
});

Deno.test("kafkaSecurity() gives TLS and a SCRAM login from the environment", () => {
  const config = loadConfig(shapes.kafka(), {
    KAFKA_BROKERS: "b-1.msk:9096,b-2.msk:9096",
    KAFKA_SSL: "true",
    KAFKA_SASL_MECHANISM: "scram-sha-512",
    KAFKA_SASL_USERNAME: "patient",
    KAFKA_SASL_PASSWORD: "s3cret",
  });
  assert.deepEqual(config.KAFKA_BROKERS, ["b-1.msk:9096", "b-2.msk:9096"]);
  assert.deepEqual(kafkaSecurity(config), {
    ssl: true,
    sasl: { mechanism: "scram-sha-512", username: "patient", password: "s3cret" },
  });
});

Deno.test("kafkaSecurity() refuses a mechanism without credentials, naming the variables", () => {
  assert.deepEqual(problemsOf({ KAFKA_SSL: "true", KAFKA_SASL_MECHANISM: "scram-sha-512" }), [
    "KAFKA_SASL_USERNAME",
    "KAFKA_SASL_PASSWORD",
  ]);
  assert.deepEqual(
    problemsOf({ KAFKA_SASL_MECHANISM: "scram-sha-256", KAFKA_SASL_USERNAME: "audit" }),
    ["KAFKA_SASL_PASSWORD"],
  );
  // An empty value counts as unset.
  assert.deepEqual(
    problemsOf({
      KAFKA_SASL_MECHANISM: "scram-sha-512",
      KAFKA_SASL_USERNAME: "audit",
      KAFKA_SASL_PASSWORD: " ",
    }),
    ["KAFKA_SASL_PASSWORD"],
  );
});

Deno.test("kafkaSecurity() refuses credentials without a mechanism", () => {
  assert.deepEqual(
    problemsOf({ KAFKA_SASL_USERNAME: "audit", KAFKA_SASL_PASSWORD: "x" }),
    ["KAFKA_SASL_MECHANISM"],
  );
});

Deno.test("kafkaSecurity() refuses SASL PLAIN without TLS (the password would cross in clear)", () => {
  const login = {
    KAFKA_SASL_MECHANISM: "plain",
    KAFKA_SASL_USERNAME: "u",
    KAFKA_SASL_PASSWORD: "p",
  };
  assert.deepEqual(problemsOf(login), ["KAFKA_SSL"]);
  assert.deepEqual(problemsOf({ ...login, KAFKA_SSL: "true" }), []);
});

Deno.test("shapes.auditTrail() refuses an unknown mechanism and a KAFKA_SSL that is not a boolean", () => {
  assert.throws(
    () => loadConfig(shapes.auditTrail(), { KAFKA_SASL_MECHANISM: "gssapi" }),
    /KAFKA_SASL_MECHANISM: must be one of plain, scram-sha-256, scram-sha-512/,
  );
  assert.throws(
    () => loadConfig(shapes.auditTrail(), { KAFKA_SSL: "yes" }),
    /KAFKA_SSL: must be true or false/,
  );
});
