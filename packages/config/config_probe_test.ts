import assert from "node:assert/strict";
import { ConfigError, configProbe, env, loadConfig } from "./mod.ts";

Deno.test("configProbe() records every shape loadConfig validates it against", () => {
  const probe = configProbe();
  const first = { PORT: env.port(8080).describe("HTTP port") };
  const second = { URL: env.url() };
  assert.deepEqual(loadConfig(first, probe.source), { PORT: 8080 });
  assert.throws(() => loadConfig(second, probe.source), ConfigError);
  assert.deepEqual(probe.shapes, [first, second]);
});

Deno.test("configProbe() leaves other sources unrecorded", () => {
  const probe = configProbe();
  loadConfig({ PORT: env.port(1) }, {});
  assert.deepEqual(probe.shapes, []);
});
