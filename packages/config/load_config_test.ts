import assert from "node:assert/strict";
import { ConfigError, env, loadConfig } from "./mod.ts";

Deno.test("loadConfig() applies defaults to unset and empty variables", () => {
  const config = loadConfig({ PORT: env.port(4000), LOG_LEVEL: env.logLevel() }, { PORT: "" });
  assert.deepEqual(config, { PORT: 4000, LOG_LEVEL: "info" });
});

Deno.test("loadConfig() coerces and validates values", () => {
  const config = loadConfig(
    { PORT: env.port(1), ON: env.boolean(false), URL: env.url() },
    { PORT: "8080", ON: "true", URL: "http://localhost:1" },
  );
  assert.deepEqual(config, { PORT: 8080, ON: true, URL: "http://localhost:1" });
});

Deno.test("loadConfig() throws a ConfigError naming each bad variable", () => {
  assert.throws(
    () => loadConfig({ PORT: env.port(1), URL: env.url() }, { PORT: "99999" }),
    (error: unknown) => {
      assert.ok(error instanceof ConfigError);
      assert.deepEqual(error.problems.map((p) => p.variable), ["PORT", "URL"]);
      assert.match(error.message, /PORT: must be a port number/);
      assert.match(error.message, /URL:/);
      return true;
    },
  );
});

Deno.test("loadConfig() rejects values outside an enum", () => {
  assert.throws(
    () => loadConfig({ LOG_LEVEL: env.logLevel() }, { LOG_LEVEL: "loud" }),
    /LOG_LEVEL: must be one of debug, info, warn, error/,
  );
});
