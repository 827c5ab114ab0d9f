import assert from "node:assert/strict";
import { freePort, RestartBudget } from "@pms/infra";
import { Logger } from "@pms/log";
import { type HostedService, hostServices } from "./host_services.ts";

const MODULE = new URL("./testdata/greeter_service.ts", import.meta.url);

/** A greeter hosted as `name` on `port`, answering `greeting`. */
function greeterAt(name: string, port: number, greeting = ""): HostedService {
  return {
    name,
    exportName: "greeter",
    module: MODULE,
    env: { PORT: `${port}`, GREETING: greeting },
  };
}

function quietLogger(lines: string[] = []): Logger {
  return new Logger({ service: "host-test", write: (line) => void lines.push(line) });
}

async function greeting(port: number): Promise<string> {
  const res = await fetch(`http://127.0.0.1:${port}/greeting`);
  return (await res.json()).greeting;
}

async function until(what: string, probe: () => Promise<boolean>, timeoutMs = 15_000) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await probe().catch(() => false)) return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`timed out waiting for ${what}`);
}

Deno.test("hostServices() runs each service in its own isolate with its own environment", async () => {
  const [first, second] = [freePort(), freePort()];
  const host = await hostServices(
    [greeterAt("one", first, "hello"), greeterAt("two", second, "hi")],
    { logger: quietLogger() },
  );
  try {
    assert.equal(await greeting(first), "hello");
    assert.equal(await greeting(second), "hi");
  } finally {
    await host.stop();
  }
  await assert.rejects(fetch(`http://127.0.0.1:${first}/greeting`));
});

Deno.test("hostServices() starts again a service whose isolate dies, and the others go on", async () => {
  const [crashing, steady] = [freePort(), freePort()];
  const lines: string[] = [];
  const host = await hostServices(
    [greeterAt("crashing", crashing, "a"), greeterAt("steady", steady, "b")],
    { logger: quietLogger(lines) },
  );
  try {
    const res = await fetch(`http://127.0.0.1:${crashing}/crash`, { method: "POST" });
    assert.equal(res.status, 202);
    await res.body?.cancel();
    await until(
      "the restart",
      () => Promise.resolve(lines.some((l) => l.includes("restarting it"))),
    );
    await until("the crashed service serving again", async () => await greeting(crashing) === "a");
    assert.equal(await greeting(steady), "b");
    assert.ok(lines.some((l) => /"service":"crashing"/.test(l) && l.includes("service exited")));
  } finally {
    await host.stop();
  }
});

Deno.test("hostServices() ends only the isolate that reaches its heap limit, and leaves a crash loop down", async () => {
  const [greedy, steady] = [freePort(), freePort()];
  const lines: string[] = [];
  const host = await hostServices([
    {
      ...greeterAt("greedy", greedy),
      heapLimits: { maxOldGenerationSizeMb: 24, maxYoungGenerationSizeMb: 6 },
    },
    greeterAt("steady", steady, "b"),
  ], { logger: quietLogger(lines), budget: new RestartBudget({ max: 0 }) });
  try {
    const res = await fetch(`http://127.0.0.1:${greedy}/allocate`, { method: "POST" });
    await res.body?.cancel();
    await until("left down", () => Promise.resolve(lines.some((l) => l.includes("left down"))));
    await assert.rejects(fetch(`http://127.0.0.1:${greedy}/greeting`));
    assert.equal(await greeting(steady), "b");
  } finally {
    await host.stop();
  }
});

Deno.test("hostServices() rejects when a service cannot start, and stops the ones that did", async () => {
  const port = freePort();
  await assert.rejects(
    hostServices([
      greeterAt("fine", port),
      { ...greeterAt("missing", freePort()), exportName: "nobody" },
    ], { logger: quietLogger() }),
    /missing exited with 1 before it served/,
  );
  await assert.rejects(fetch(`http://127.0.0.1:${port}/greeting`));
});
