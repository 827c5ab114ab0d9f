/**
 * Production is safe by default: a service started with `APP_ENV=production` and a development
 * convenience (demo data seeding, the development signing key) refuses to start with one JSON
 * line naming the variable, before it touches its database.
 */
import assert from "node:assert/strict";
import { catalog } from "../services/catalog.ts";

const ROOT = new URL("../", import.meta.url).pathname;
const KEY = "-----BEGIN PRIVATE KEY-----\nMC4CAQAwBQYDK2VwBCIEIGv0\n-----END PRIVATE KEY-----";

/** Starts a service's main.ts with `env` (no database reachable) and returns how it ended. */
async function start(service: string, env: Record<string, string>) {
  const spec = catalog.services.find((s) => s.name === service)!;
  const { code, stdout, stderr } = await new Deno.Command(Deno.execPath(), {
    args: ["run", "--quiet", ...spec.permissions, `services/${service}/main.ts`],
    cwd: ROOT,
    env: {
      PORT: "0",
      LOG_LEVEL: "info",
      DATABASE_URL: `postgres://nobody@127.0.0.1:9/${service}`,
      ...env,
    },
    clearEnv: true,
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
    signal: AbortSignal.timeout(30_000),
  }).output();
  const lines = (new TextDecoder().decode(stdout) + new TextDecoder().decode(stderr))
    .split("\n").filter(Boolean);
  return { code, lines };
}

for (
  const [service, env, variable] of [
    ["auth", { SEED_DEMO_DATA: "true", JWT_PRIVATE_KEY: KEY }, "SEED_DEMO_DATA"],
    ["patient", { SEED_DEMO_DATA: "true" }, "SEED_DEMO_DATA"],
    ["auth", {}, "JWT_PRIVATE_KEY"],
    ["auth", { JWT_PRIVATE_KEY_FILE: `${ROOT}.pms/dev-signing-key.pem` }, "JWT_PRIVATE_KEY_FILE"],
    ["auth", { JWT_PRIVATE_KEY: KEY }, "MFA_ENCRYPTION_KEY"],
  ] as const
) {
  Deno.test(`production: ${service} with ${Object.keys(env).join(", ") || "no signing key"} refuses to start, naming ${variable}`, async () => {
    const { code, lines } = await start(service, { APP_ENV: "production", ...env });
    assert.notEqual(code, 0);
    assert.equal(lines.length, 1, lines.join("\n"));
    const line = JSON.parse(lines[0]!);
    assert.equal(line.level, "error");
    assert.ok(line.variables.includes(variable), lines[0]);
  });
}
