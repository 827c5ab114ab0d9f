// deno-lint-ignore-file no-console
/**
 * `deno task dev` end to end: it starts PostgreSQL, Kafka and every service, the gateway answers
 * a login, a healthy start and a Ctrl-C print no warn or error line, and SIGINT, SIGTERM or SIGHUP,
 * to dev or to its whole process group, stop everything it started within 10 s: no process, port
 * or data directory left behind.
 */
import assert from "node:assert/strict";
import { freePort, waitForHttp } from "@pms/infra";
import { catalog } from "../services/catalog.ts";

const ROOT = new URL("../", import.meta.url).pathname;

/** The pids of `pid`'s descendants, from /proc. */
function descendants(pid: number): number[] {
  const parents = new Map<number, number>();
  for (const entry of Deno.readDirSync("/proc")) {
    if (!/^\d+$/.test(entry.name)) continue;
    try {
      const stat = Deno.readTextFileSync(`/proc/${entry.name}/stat`);
      parents.set(Number(entry.name), Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]));
    } catch { /* gone */ }
  }
  const found: number[] = [];
  const visit = (parent: number) => {
    for (const [child, ppid] of parents) {
      if (ppid === parent) {
        found.push(child);
        visit(child);
      }
    }
  };
  visit(pid);
  return found;
}

function alive(pid: number): boolean {
  try {
    const state = Deno.readTextFileSync(`/proc/${pid}/stat`).split(") ")[1]?.[0];
    return state !== "Z";
  } catch {
    return false;
  }
}

/**
 * Starts dev (as the leader of a process group of its own when `group`), waits until the
 * gateway serves a login and the patient list, kills the `crash` service's process unasked and
 * waits until dev has it healthy again, sends `signal` to dev or to its group, and checks that
 * everything it started is gone within 10 s. `devArgs` go to dev. Returns dev's output.
 */
async function runDev(
  signal: Deno.Signal,
  group: boolean,
  crash?: string,
  devArgs: string[] = [],
): Promise<string> {
  const ports = Object.fromEntries(catalog.services.map((s) => [s.name, freePort()]));
  const env: Record<string, string> = { LOG_LEVEL: "warn" };
  for (const [name, port] of Object.entries(ports)) {
    env[`${name.toUpperCase()}_PORT`] = String(port);
  }
  const grpcPort = freePort();
  env.BILLING_GRPC_PORT = String(grpcPort);
  const started = performance.now();
  const args = ["run", "-A", "scripts/dev.ts", ...devArgs];
  const dev = new Deno.Command(group ? "setsid" : Deno.execPath(), {
    args: group ? [Deno.execPath(), ...args] : args,
    cwd: ROOT,
    env,
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  const output: string[] = [];
  const drain = Promise.all([dev.stdout, dev.stderr].map(async (stream) => {
    for await (const chunk of stream.pipeThrough(new TextDecoderStream())) output.push(chunk);
  }));
  let children: number[] = [];
  let stopMs = 0;
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
    // Dev has seen every service healthy once it says so (the gateway may be first).
    const banner = Date.now() + 30_000;
    while (!output.join("").includes("is running (healthy after") && Date.now() < banner) {
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    if (crash) {
      const service = descendants(dev.pid).filter((pid) => {
        try {
          return Deno.readTextFileSync(`/proc/${pid}/cmdline`).includes(`services/${crash}/`);
        } catch {
          return false;
        }
      });
      assert.ok(service.length > 0, `no ${crash} process found`);
      for (const pid of service) Deno.kill(pid, "SIGKILL");
      const killed = performance.now();
      const health = `http://127.0.0.1:${ports[crash]}/health`;
      await waitForHttp(health, 1_000).then(
        () => assert.fail(`${crash} still answered after its kill`),
        () => {},
      );
      await waitForHttp(health, 60_000);
      console.log(
        `dev: ${crash} killed, healthy again after ${Math.round(performance.now() - killed)} ms`,
      );
    }
  } finally {
    children = descendants(dev.pid);
    const stopping = performance.now();
    if (group) Deno.kill(-dev.pid, signal);
    else dev.kill(signal);
    const status = await dev.status;
    stopMs = performance.now() - stopping;
    await drain;
    assert.equal(status.code, 0, output.join(""));
  }
  const text = output.join("");
  assert.match(text, /is running \(healthy after/);
  assert.ok(stopMs < 10_000, `${signal}: stopped in ${Math.round(stopMs)} ms`);
  console.log(
    `dev: ${signal} to ${group ? "its group" : "dev"}, stopped in ${Math.round(stopMs)} ms`,
  );
  const survivors = children.filter(alive);
  assert.deepEqual(survivors, [], `${signal}: processes left behind`);
  const server = /"server":"postgres:\/\/postgres@127\.0\.0\.1:(\d+)\//.exec(text) ??
    /postgres +local postgres:\/\/postgres@127\.0\.0\.1:(\d+)\//.exec(text);
  const broker = /kafka +\w+ 127\.0\.0\.1:(\d+)/.exec(text);
  assert.ok(server && broker, text);
  const opened = [...Object.values(ports), grpcPort, Number(server[1]), Number(broker[1])];
  for (const port of opened) {
    await assert.rejects(
      Deno.connect({ hostname: "127.0.0.1", port }).then((c) => c.close()),
      `port ${port} still open`,
    );
  }
  return text;
}

Deno.test("deno task dev serves the gateway; a start and Ctrl-C (SIGINT) print no warn or error", async () => {
  const text = await runDev("SIGINT", false);
  const loud = text.split("\n").filter((line) =>
    /"level":"(warn|error)"|TimeoutNegativeWarning|KafkaJS v2\.0\.0|partitioner/i.test(line)
  );
  assert.deepEqual(loud, [], "warn or error lines on a healthy start and stop");
});

Deno.test("SIGTERM to dev's whole process group stops everything it started within 10 s; a service killed meanwhile is restarted", async () => {
  const text = await runDev("SIGTERM", true, "billing");
  const restarted = text.split("\n").filter((line) =>
    line.includes("service exited; restarting it")
  );
  assert.equal(restarted.length, 1, text);
  assert.match(restarted[0]!, /"service":"billing"/);
});

Deno.test("SIGHUP to dev stops everything it started within 10 s", async () => {
  await runDev("SIGHUP", false);
});

Deno.test("deno task dev --one-process serves the gateway from one process; SIGINT stops it within 10 s, without a warn or error", async () => {
  const text = await runDev("SIGINT", false, undefined, ["--one-process"]);
  assert.match(text, /healthy after [\d.]+ s, every service in one process/);
  const loud = text.split("\n").filter((line) => /"level":"(warn|error)"/.test(line));
  assert.deepEqual(loud, [], "warn or error lines on a healthy start and stop");
});
