import assert from "node:assert/strict";
import { serviceThreads } from "../scripts/bench/process_stats.ts";
import { catalog } from "../services/catalog.ts";
import { eventually, expectJson, loginEveryRole, newPatient, startHarness } from "./_system.ts";

const ALL = catalog.services.map((s) => s.name);

Deno.test("startSystem({ oneProcess }) runs every service in one process, each on its own thread, and stops it on SIGTERM", async () => {
  const h = await startHarness({ services: ALL, oneProcess: true });
  let pid: number | undefined;
  try {
    const pids = new Set(ALL.map((name) => h.system.pid(name)));
    assert.equal(pids.size, 1, "one process for every service");
    pid = [...pids][0]!;
    // The threads the bench reads each service's CPU of.
    const threads = serviceThreads(pid, ALL);
    for (const name of ALL) assert.equal(threads[name]?.length, 1, `${name}: its isolate's thread`);
    for (const name of ALL) {
      const res = await fetch(`${h.system.urls[name]}/health`);
      assert.equal(res.status, 200, `${name} is healthy`);
      await res.body?.cancel();
    }

    const { tokens } = await loginEveryRole(h);
    const created = await expectJson(
      await h.call("/api/patients", { method: "POST", token: tokens.ADMIN, body: newPatient() }),
      201,
      "create",
    );
    await expectJson(await h.call(`/api/patients/${created.id}`, { token: tokens.ADMIN }), 200);
    // Across the isolates: patient → Kafka → billing's consumer, and the read's audit record
    // relayed to the audit service.
    const account = await eventually("billing account", async () => {
      const res = await h.call(`/api/billing/accounts/${created.id}`, { token: tokens.ADMIN });
      return res.status === 200 ? await res.json() : (await res.body?.cancel(), undefined);
    });
    assert.equal(account.status, "ACTIVE");
    await eventually("the read's audit record", async () => {
      const res = await h.call(`/api/audit?patientId=${created.id}&action=patient.*`, {
        token: tokens.AUDITOR,
      });
      const records: { action: string }[] = res.status === 200 ? await res.json() : [];
      return records.length >= 2 ? records : undefined;
    });

    await assert.rejects(h.system.stopService("auth"), /stop together/);
  } finally {
    await h.system.stop();
  }
  assert.throws(() => Deno.statSync(`/proc/${pid}`), Deno.errors.NotFound, "the process ended");
});

Deno.test("services/one_process.ts refuses an input that is not the services' environments, naming what is wrong", async () => {
  const cases: [string, RegExp][] = [
    ["not json", /standard input is not JSON/],
    ["{}", /standard input has no services object/],
    [`{"services":{"nobody":{}}}`, /names nobody, no service of the catalog/],
    [
      `{"services":{"auth":{"PORT":4005}}}`,
      /gives auth an environment that is not an object of strings/,
    ],
  ];
  for (const [input, message] of cases) {
    const child = new Deno.Command(Deno.execPath(), {
      args: ["run", "-A", "services/one_process.ts"],
      cwd: new URL("../", import.meta.url).pathname,
      stdin: "piped",
      stdout: "piped",
      stderr: "piped",
    }).spawn();
    const writer = child.stdin.getWriter();
    await writer.write(new TextEncoder().encode(input));
    await writer.close();
    const { code, stderr } = await child.output();
    assert.equal(code, 1, input);
    const line = JSON.parse(new TextDecoder().decode(stderr).trim());
    assert.equal(line.level, "error");
    assert.match(line.msg, message);
  }
});
