import assert from "node:assert/strict";
import { createBillingClient } from "@pms/billing-api";
import { freePort, waitForHttp } from "@pms/infra";
import { topology } from "../catalog.ts";
import { createTestDatabase } from "@pms/testing";
import { healthCheck } from "./grpc/_test_util.ts";

const MAIN = new URL("./main.ts", import.meta.url).pathname;
// The narrowest permissions, as `deno task dev` and the system tests run billing.
const PERMISSIONS = topology("billing").permissions;

function startMain(env: Record<string, string>) {
  return new Deno.Command(Deno.execPath(), {
    args: ["run", ...PERMISSIONS, MAIN],
    env,
    stdout: "piped",
    stderr: "piped",
  }).spawn();
}

Deno.test("main.ts serves gRPC and HTTP on its configured ports and exits 0 on SIGTERM", async () => {
  const testDb = await createTestDatabase("billing");
  const port = freePort();
  const grpcPort = freePort();
  const child = startMain({
    DATABASE_URL: testDb.url,
    PORT: String(port),
    GRPC_PORT: String(grpcPort),
  });
  const stdout = new Response(child.stdout).text();
  const stderr = new Response(child.stderr).text();
  const address = `127.0.0.1:${grpcPort}`;
  const billing = createBillingClient({ address, deadlineMs: 5000 });
  try {
    await waitForHttp(`http://127.0.0.1:${port}/health`, 30_000);
    assert.deepEqual(await healthCheck(address), { status: "SERVING" });
    const patientId = crypto.randomUUID();
    const reply = await billing.createBillingAccount(
      { patientId, name: "Ada Lovelace", email: "ada@example.com" },
      { traceparent: "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01" },
    );
    assert.equal(reply.status, "ACTIVE");
    const res = await fetch(`http://127.0.0.1:${port}/billing/accounts/${patientId}`);
    assert.equal(res.status, 401);
    await res.body?.cancel();
  } finally {
    billing.close();
    child.kill("SIGTERM");
  }
  const status = await child.status;
  const [out, err] = [await stdout, await stderr];
  await testDb.drop();
  assert.equal(status.code, 0, err);
  const logged = out.split("\n").filter((l) => l.trim() !== "").map((l) => JSON.parse(l));
  assert.ok(logged.some((l) => l.msg === "grpc listening" && l.port === grpcPort));
  assert.ok(logged.some((l) => l.traceId === "4bf92f3577b34da6a3ce929d0e0e4736"));
  assert.ok(logged.some((l) => l.msg === "stopped"));
  assert.ok(!out.includes("Ada") && !out.includes("ada@example.com"), "no patient data logged");
});

Deno.test("main.ts exits 1 naming the variable when the config is invalid", async () => {
  const child = startMain({ DATABASE_URL: "postgres://u@127.0.0.1:1/billing", GRPC_PORT: "x" });
  const [status, out, err] = await Promise.all([
    child.status,
    new Response(child.stdout).text(),
    new Response(child.stderr).text(),
  ]);
  assert.equal(status.code, 1);
  const line = JSON.parse((out + err).trim().split("\n").at(-1)!);
  assert.equal(line.level, "error");
  assert.deepEqual(line.variables, ["GRPC_PORT"]);
  assert.match(line.msg, /GRPC_PORT: must be a port number/);
});
