import assert from "node:assert/strict";
import { ConfigError, DEVELOPMENT_MFA_ENCRYPTION_KEY, env, loadConfig, shapes } from "./mod.ts";

/** A service shape like auth's: server settings, demo seeding and the signing key. */
const signer = {
  ...shapes.server(4005),
  SEED_DEMO_DATA: env.boolean(false),
  JWT_PRIVATE_KEY: env.string("").optional(),
  JWT_PRIVATE_KEY_FILE: env.string("").optional(),
};
const KEY = "-----BEGIN PRIVATE KEY-----\nMC4CAQAwBQYDK2VwBCIEI...\n-----END PRIVATE KEY-----";

function refused(
  source: Record<string, string>,
  shape: Parameters<typeof loadConfig>[0] = signer,
) {
  try {
    loadConfig(shape, source);
  } catch (error) {
    assert.ok(error instanceof ConfigError);
    return error.problems.map((p) => p.variable);
  }
  return [];
}

Deno.test("loadConfig() refuses demo data seeding with APP_ENV=production, naming SEED_DEMO_DATA", () => {
  const production = { APP_ENV: "production", JWT_PRIVATE_KEY: KEY };
  assert.deepEqual(refused({ ...production, SEED_DEMO_DATA: "true" }), ["SEED_DEMO_DATA"]);
  assert.deepEqual(refused({ ...production, SEED_DEMO_DATA: "1" }), ["SEED_DEMO_DATA"]);
  assert.deepEqual(refused({ ...production, SEED_DEMO_DATA: "false" }), []);
  assert.deepEqual(refused(production), []);
  // Elsewhere demo data is a convenience.
  assert.deepEqual(refused({ APP_ENV: "development", SEED_DEMO_DATA: "true" }), []);
  assert.deepEqual(refused({ SEED_DEMO_DATA: "true" }), []);
});

Deno.test("loadConfig() refuses the development signing key with APP_ENV=production", () => {
  // None configured: auth would generate one at start.
  assert.deepEqual(refused({ APP_ENV: "production" }), ["JWT_PRIVATE_KEY"]);
  // The file `deno task dev` made.
  assert.deepEqual(
    refused(
      { APP_ENV: "production", JWT_PRIVATE_KEY_FILE: "/app/.pms/dev-signing-key.pem" },
    ),
    ["JWT_PRIVATE_KEY_FILE"],
  );
  assert.deepEqual(
    refused({ APP_ENV: "production", JWT_PRIVATE_KEY_FILE: "/run/secrets/jwt.pem" }),
    [],
  );
  // Both refusals at once, and none for a service that signs nothing.
  assert.deepEqual(refused({ APP_ENV: "production", SEED_DEMO_DATA: "true" }), [
    "SEED_DEMO_DATA",
    "JWT_PRIVATE_KEY",
  ]);
  assert.deepEqual(refused({ APP_ENV: "production" }, shapes.server(4000)), []);
  assert.deepEqual(refused({ APP_ENV: "test" }), []);
});

Deno.test("loadConfig() refuses a missing or development MFA keyring with APP_ENV=production", () => {
  const keeper = { ...signer, MFA_ENCRYPTION_KEY: env.string("").optional() };
  const production = { APP_ENV: "production", JWT_PRIVATE_KEY: KEY };
  assert.deepEqual(refused(production, keeper), ["MFA_ENCRYPTION_KEY"]);
  assert.deepEqual(
    refused({
      ...production,
      MFA_ENCRYPTION_KEY: `k2:${"A".repeat(43)}=,${DEVELOPMENT_MFA_ENCRYPTION_KEY}`,
    }, keeper),
    ["MFA_ENCRYPTION_KEY"],
  );
  assert.deepEqual(
    refused({ ...production, MFA_ENCRYPTION_KEY: `k2:${"A".repeat(43)}=` }, keeper),
    [],
  );
  // Elsewhere the development key is a convenience; a service without the variable is not asked.
  assert.deepEqual(refused({ MFA_ENCRYPTION_KEY: DEVELOPMENT_MFA_ENCRYPTION_KEY }, keeper), []);
  assert.deepEqual(refused(production), []);
});
