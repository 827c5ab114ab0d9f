// deno-lint-ignore-file no-console
/**
 * `deno task dev` end to end: it starts PostgreSQL, Kafka and every service, the gateway answers
 * a login, and Ctrl-C (SIGINT) stops everything it started (no port left open).
 */
import assert from "node:assert/strict";
import { freePort, waitForHttp } from "@pms/infra";
import { catalog } from "../services/catalog.ts";

Deno.test("deno task dev serves the gateway and stops everything on SIGINT", async () => {
  const ports = Object.fromEntries(catalog.services.map((s) => [s.name, freePort()]));
  const env: Record<string, string> = { LOG_LEVEL: "warn" };
  for (const [name, port] of Object.entries(ports)) {
    env[`${name.toUpperCase()}_PORT`] = String(port);
  }
  const grpcPort = freePort();
  env.BILLING_GRPC_PORT = String(grpcPort);
  const started = performance.now();
  const dev = new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", "scripts/dev.ts"],
    cwd: new URL("../", import.meta.url).pathname,
    env,
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  const output: string[] = [];
  const drain = Promise.all([dev.stdout, dev.stderr].map(async (stream) => {
    for await (const chunk of stream.pipeThrough(new TextDecoderStream())) output.push(chunk);
  }));
  try {
    await waitForHttp(`http://127.0.0.1:${ports.gateway}/health`, 60_000);
    const res = await fetch(`http://127.0.0.1:${ports.gateway}/auth/login`, {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ email: "testuser@test.com", password: "password123" }),
    });
    assert.equal(res.status, 200);
    const { token } = await res.json();
    const list = await fetch(`http://127.0.0.1:${ports.gateway}/api/patients`, {
      headers: { Authorization: `Bearer ${token}` },
    });
    assert.equal((await list.json()).length, 15);
    console.log(
      `dev: gateway healthy ${((performance.now() - started) / 1000).toFixed(1)} s after start`,
    );
  } finally {
    dev.kill("SIGINT");
    const status = await dev.status;
    await drain;
    assert.equal(status.code, 0, output.join(""));
  }
  const text = output.join("");
  assert.match(text, /is running \(healthy after/);
  const server = /"server":"postgres:\/\/postgres@127\.0\.0\.1:(\d+)\//.exec(text);
  const broker = /kafka +\w+ 127\.0\.0\.1:(\d+)/.exec(text);
  const opened = [...Object.values(ports), grpcPort, Number(server?.[1]), Number(broker?.[1])];
  for (const port of opened.filter(Boolean)) {
    await assert.rejects(
      Deno.connect({ hostname: "127.0.0.1", port }).then((c) => c.close()),
      `port ${port} still open`,
    );
  }
});
