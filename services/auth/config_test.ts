import assert from "node:assert/strict";
import { loadAuthConfig } from "./config.ts";

const base = { DATABASE_URL: "postgres://u@127.0.0.1:5432/auth" };

Deno.test("loadAuthConfig() applies the documented defaults", () => {
  const config = loadAuthConfig(base);
  assert.equal(config.PORT, 4005);
  assert.equal(config.HOST, "127.0.0.1");
  assert.equal(config.JWT_TTL_SECONDS, 900);
  assert.equal(config.BCRYPT_COST, 10);
  assert.equal(config.SEED_DEMO_DATA, true);
  assert.deepEqual(config.MFA_REQUIRED_ROLES, []);
  assert.equal(config.MFA_ENCRYPTION_KEY, undefined);
  const production = {
    ...base,
    APP_ENV: "production",
    JWT_PRIVATE_KEY_FILE: "/run/secrets/key",
    MFA_ENCRYPTION_KEY: `k1:${btoa("k".repeat(32))}`,
  };
  assert.equal(loadAuthConfig(production).SEED_DEMO_DATA, false);
});

Deno.test("loadAuthConfig() reads MFA_REQUIRED_ROLES and checks the MFA keyring", () => {
  const config = loadAuthConfig({ ...base, MFA_REQUIRED_ROLES: " ADMIN, CLINICIAN ," });
  assert.deepEqual(config.MFA_REQUIRED_ROLES, ["ADMIN", "CLINICIAN"]);
  assert.throws(
    () => loadAuthConfig({ ...base, MFA_REQUIRED_ROLES: "ADMIN,DOCTOR" }),
    /MFA_REQUIRED_ROLES: unknown role DOCTOR/,
  );
  assert.throws(
    () => loadAuthConfig({ ...base, MFA_ENCRYPTION_KEY: "k1:c2hvcnQ=" }),
    /MFA_ENCRYPTION_KEY: key k1 must be 32 bytes/,
  );
  const production = { ...base, APP_ENV: "production", JWT_PRIVATE_KEY_FILE: "/run/secrets/key" };
  assert.throws(() => loadAuthConfig(production), /MFA_ENCRYPTION_KEY/);
});

Deno.test("loadAuthConfig() names each bad variable", () => {
  assert.throws(() => loadAuthConfig({}), /DATABASE_URL/);
  assert.throws(() => loadAuthConfig({ ...base, PORT: "http" }), /PORT: must be a port number/);
  assert.throws(() => loadAuthConfig({ ...base, BCRYPT_COST: "4" }), /BCRYPT_COST/);
  assert.throws(() => loadAuthConfig({ ...base, TRUST_PROXY: "maybe" }), /TRUST_PROXY/);
});
