import { equal, ok } from "node:assert/strict";
import { oneProcessLaunch } from "./one_process_launch.ts";
import type { Catalog } from "./service_topology.ts";

const catalog: Catalog = {
  v8Flags: "--max-semi-space-size=8,--max-old-space-size=128,--no-parallel-scavenge",
  topics: [],
  services: [],
};

/** The heap size limit (MB) of an isolate given `limits`, in a process with `v8Flags`. */
async function isolateHeapLimit(v8Flags: string, limits: object): Promise<number> {
  const { code, stdout, stderr } = await new Deno.Command(Deno.execPath(), {
    args: [
      "run",
      "--quiet",
      "--allow-read",
      new URL("./testdata/isolate_heap_limit.ts", import.meta.url).pathname,
      JSON.stringify(limits),
    ],
    env: { DENO_V8_FLAGS: v8Flags },
  }).output();
  equal(code, 0, new TextDecoder().decode(stderr));
  return Number(new TextDecoder().decode(stdout).trim());
}

Deno.test("oneProcessLaunch() keeps the catalog's flags except its heap limits", () => {
  equal(
    oneProcessLaunch(catalog, {}).env.DENO_V8_FLAGS,
    "--no-parallel-scavenge,--initial-old-space-size=32",
  );
  equal(
    oneProcessLaunch({ ...catalog, v8Flags: "" }, {}).env.DENO_V8_FLAGS,
    "--initial-old-space-size=32",
  );
});

Deno.test("oneProcessLaunch()'s flags leave each isolate the heap limits it is given", async () => {
  const limits = { maxOldGenerationSizeMb: 48, maxYoungGenerationSizeMb: 6 };
  const own = await isolateHeapLimit(oneProcessLaunch(catalog, {}).env.DENO_V8_FLAGS!, limits);
  ok(own >= 48 && own < 64, `an isolate limited to 48 + 6 MB got ${own} MB`);
  // Why the launch drops them: V8 puts a flag's limit above the isolate's own.
  const flagged = await isolateHeapLimit(catalog.v8Flags, limits);
  ok(flagged >= 128, `under --max-old-space-size=128 the isolate got ${flagged} MB`);
});
