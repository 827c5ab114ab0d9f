import assert from "node:assert/strict";
import type { Catalog, ServiceTopology } from "./service_topology.ts";
import { serviceV8Flags } from "./service_v8_flags.ts";

const spec: ServiceTopology = {
  name: "a",
  port: 1,
  tokens: false,
  permissions: [],
  routes: [],
  calls: [],
};
const catalog: Catalog = { v8Flags: "--max-semi-space-size=8,--x", topics: [], services: [spec] };

Deno.test("serviceV8Flags() is the catalog's flags for a service without its own", () => {
  assert.equal(serviceV8Flags(catalog, spec), "--max-semi-space-size=8,--x");
});

Deno.test("serviceV8Flags() puts the service's own flags last, so they win", () => {
  assert.equal(
    serviceV8Flags(catalog, { ...spec, v8Flags: "--max-semi-space-size=2" }),
    "--max-semi-space-size=8,--x,--max-semi-space-size=2",
  );
});

Deno.test("serviceV8Flags(): V8 keeps the last value of a repeated flag", async () => {
  const script = 'import v8 from "node:v8"; let k = []; for (let i = 0; i < 2e6; i++) { ' +
    "k.push({ i }); if (k.length > 5e4) k = []; } console.log(v8.getHeapSpaceStatistics()" +
    '.find((s) => s.space_name === "new_space").space_size);';
  const size = async (flags: string) => {
    const out = await new Deno.Command(Deno.execPath(), {
      args: ["eval", script],
      env: { DENO_V8_FLAGS: flags },
      stdout: "piped",
    }).output();
    return Number(new TextDecoder().decode(out.stdout).trim());
  };
  const MB = 1024 * 1024;
  const [small, large] = await Promise.all([
    size("--max-semi-space-size=8,--max-semi-space-size=1"),
    size("--max-semi-space-size=1,--max-semi-space-size=8"),
  ]);
  assert.ok(small <= 2 * MB, `1 MB semi-spaces last: new space ${small} bytes`);
  assert.ok(large > 4 * MB, `8 MB semi-spaces last: new space ${large} bytes`);
});
