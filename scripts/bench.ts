// deno-lint-ignore-file no-console
/**
 * `deno task bench`: starts the whole system on a real PostgreSQL (durable settings) and a real
 * Kafka broker, and drives it with `wrk` (Debian's package; installed when missing) through the
 * gateway and straight at the patient service, at several connection counts. It records req/s,
 * p50/p99/p99.9 latency, errors, CPU and peak RSS per service, the create → consumed event lag,
 * and the time from start to all services healthy; and, in the same run, two ceilings: a bare
 * Hono handler on Deno and a pgbench insert run against the same PostgreSQL. A table goes to
 * stdout, the figures as JSON to `.results/bench.json`. Figures, not assertions.
 *
 *     deno task bench [--seconds 8]
 *
 * @module
 */
import postgres from "postgres";
import { freePort, type KafkaHandle, startKafka, startPostgres, waitForHttp } from "@pms/infra";
import { Logger } from "@pms/log";
import { loginSeededUser, percentile } from "./bench/_util.ts";
import { startSystem, type System } from "@pms/testing";

const ROOT = new URL("../", import.meta.url).pathname;
const BENCH = `${ROOT}scripts/bench/`;
const i = Deno.args.indexOf("--seconds");
const SECONDS = i >= 0 ? Number(Deno.args[i + 1]) : 8;
const logger = new Logger({ service: "bench", level: "warn" });

interface WrkFigures {
  requests: number;
  seconds: number;
  errors: number;
  non2xx: number;
  timeouts: number;
  p50: number;
  p99: number;
  p999: number;
  max: number;
}

interface Run extends WrkFigures {
  scenario: string;
  target: "gateway" | "patient" | "ceiling";
  connections: number;
  rps: number;
  /** CPU per service during the run, in percent of one core. */
  cpu: Record<string, number>;
}

async function sh(cmd: string, args: string[], env?: Record<string, string>): Promise<string> {
  const out = await new Deno.Command(cmd, { args, env, stdout: "piped", stderr: "piped" }).output();
  const text = new TextDecoder().decode(out.stdout);
  if (!out.success) {
    throw new Error(`${cmd} failed: ${new TextDecoder().decode(out.stderr)}${text}`);
  }
  return text;
}

async function ensureWrk(): Promise<void> {
  if ((await new Deno.Command("sh", { args: ["-c", "command -v wrk"] }).output()).success) return;
  console.error("bench: installing wrk (apt)");
  await sh("sh", [
    "-c",
    "apt-get install -y -qq wrk || (apt-get update -qq && apt-get install -y -qq wrk)",
  ]);
}

/** CPU ticks (user + system) of a process, from /proc. */
function cpuTicks(pid: number | undefined): number {
  if (!pid) return 0;
  try {
    const stat = Deno.readTextFileSync(`/proc/${pid}/stat`);
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    return Number(fields[11]) + Number(fields[12]);
  } catch {
    return 0;
  }
}

/** A field of /proc/<pid>/status in MB (VmRSS, VmHWM). */
function memoryMb(pid: number | undefined, field: "VmRSS" | "VmHWM"): number {
  if (!pid) return 0;
  try {
    const status = Deno.readTextFileSync(`/proc/${pid}/status`);
    const kb = Number(new RegExp(`${field}:\\s+(\\d+)`).exec(status)?.[1] ?? 0);
    return Math.round(kb / 1024);
  } catch {
    return 0;
  }
}

/** Process ids whose command name is `name` (all PostgreSQL backends, the Kafka JVM). */
function pidsNamed(name: string): number[] {
  const pids: number[] = [];
  for (const entry of Deno.readDirSync("/proc")) {
    if (!/^\d+$/.test(entry.name)) continue;
    try {
      if (Deno.readTextFileSync(`/proc/${entry.name}/comm`).trim() === name) {
        pids.push(Number(entry.name));
      }
    } catch { /* gone */ }
  }
  return pids;
}

/** Busy and total CPU ticks of the whole machine, from /proc/stat. */
function machineTicks(): { busy: number; total: number } {
  const cpu = Deno.readTextFileSync("/proc/stat").split("\n")[0]!.split(/\s+/).slice(1)
    .map(Number);
  const total = cpu.reduce((a, b) => a + b, 0);
  return { busy: total - (cpu[3] ?? 0) - (cpu[4] ?? 0), total };
}

const TICKS_PER_SECOND = 100;
let peakTotalRssMb = 0;

async function wrk(
  system: System | undefined,
  scenario: string,
  target: Run["target"],
  connections: number,
  url: string,
  script: string,
  args: string[],
): Promise<Run> {
  const names = system ? Object.keys(system.urls) : [];
  const before = Object.fromEntries(names.map((n) => [n, cpuTicks(system!.pid(n))]));
  const others = { postgres: pidsNamed("postgres"), kafka: pidsNamed("java") };
  const othersBefore = Object.fromEntries(
    Object.entries(others).map(([n, pids]) => [n, pids.reduce((t, p) => t + cpuTicks(p), 0)]),
  );
  const machineBefore = machineTicks();
  const sampler = setInterval(() => {
    const total = names.reduce((sum, n) => sum + memoryMb(system!.pid(n), "VmRSS"), 0);
    peakTotalRssMb = Math.max(peakTotalRssMb, total);
  }, 250);
  const started = performance.now();
  const out = await sh("wrk", [
    "-t2",
    `-c${connections}`,
    `-d${SECONDS}s`,
    "--timeout",
    "5s",
    "-s",
    `${BENCH}${script}`,
    url,
    "--",
    ...args,
  ]);
  const elapsed = (performance.now() - started) / 1000;
  clearInterval(sampler);
  const line = out.split("\n").find((l) => l.startsWith("BENCH_JSON "));
  if (!line) throw new Error(`wrk printed no figures:\n${out}`);
  const figures = JSON.parse(line.slice("BENCH_JSON ".length)) as WrkFigures;
  const percent = (ticks: number) => Math.round(ticks / TICKS_PER_SECOND / elapsed * 100);
  const cpu = Object.fromEntries(names.map((n) => [
    n,
    percent(cpuTicks(system!.pid(n)) - before[n]!),
  ]));
  for (const [n, pids] of Object.entries(others)) {
    cpu[n] = percent(pids.reduce((t, p) => t + cpuTicks(p), 0) - othersBefore[n]!);
  }
  const machineAfter = machineTicks();
  cpu.machine = Math.round(
    (machineAfter.busy - machineBefore.busy) / (machineAfter.total - machineBefore.total) * 100 *
      navigator.hardwareConcurrency,
  );
  const run: Run = {
    scenario,
    target,
    connections,
    ...figures,
    rps: Math.round(figures.requests / figures.seconds),
    cpu,
  };
  console.error(
    `bench: ${scenario.padEnd(8)} ${target.padEnd(8)} c=${String(connections).padEnd(4)}` +
      ` ${String(run.rps).padStart(6)} req/s  p50 ${run.p50.toFixed(1)} ms  p99 ${
        run.p99.toFixed(1)
      } ms  errors ${run.errors}`,
  );
  return run;
}

await ensureWrk();
const infraStart = performance.now();
const pg = await startPostgres({ databases: ["bench"], logger, mode: "test" });
let kafka: KafkaHandle | undefined;
let system: System | undefined;
let bare: Deno.ChildProcess | undefined;
const tmp = await Deno.makeTempDir({ prefix: "pms-bench-" });
try {
  kafka = await startKafka({ logger, mode: "test", topics: [] });
  const infraMs = Math.round(performance.now() - infraStart);
  Deno.env.set("PMS_TEST_POSTGRES_URL", pg.serverUrl ?? "");
  const systemStart = performance.now();
  system = await startSystem({ kafkaBrokers: kafka.brokers });
  const healthyMs = Math.round(performance.now() - systemStart);
  const gateway = system.urls.gateway!;
  const patient = system.urls.patient!;

  const token = await loginSeededUser(gateway);

  // 1,000 more patients, so a page of 50 is a real page and ids are many.
  const patientDb = postgres(system.databaseUrls.patient!, { max: 1, onnotice: () => {} });
  await patientDb`
    insert into patients (id, name, email, address, date_of_birth, registered_date)
    select gen_random_uuid(), 'Seeded Patient ' || n, 'seeded.' || n || '@example.com',
           n || ' Bench Street', date '1970-01-01' + n, date '2024-01-01'
    from generate_series(1, 1000) n`;
  const ids = (await patientDb<{ id: string }[]>`select id from patients`).map((r) => r.id);
  await patientDb.end();
  const pages = Math.ceil(ids.length / 50);
  const files: Record<string, string> = {};
  for (const [prefix, name] of [["/api", "gateway"], ["", "patient"]] as const) {
    files[`list-${name}`] = `${tmp}/list-${name}.txt`;
    files[`get-${name}`] = `${tmp}/get-${name}.txt`;
    await Deno.writeTextFile(
      files[`list-${name}`]!,
      Array.from({ length: pages }, (_, p) => `${prefix}/patients?page=${p}&size=50`).join("\n"),
    );
    await Deno.writeTextFile(
      files[`get-${name}`]!,
      ids.map((id) => `${prefix}/patients/${id}`).join("\n"),
    );
  }

  const runs: Run[] = [];
  const benchStart = new Date();
  const scenarios = async (target: "gateway" | "patient", connections: number[]) => {
    const base = target === "gateway" ? gateway : patient;
    const prefix = target === "gateway" ? "/api" : "";
    for (const c of connections) {
      runs.push(
        await wrk(system, "list", target, c, base, "get.lua", [files[`list-${target}`]!, token]),
      );
    }
    for (const c of connections.filter((c) => c <= 64)) {
      runs.push(
        await wrk(system, "get", target, c, base, "get.lua", [files[`get-${target}`]!, token]),
      );
      runs.push(await wrk(system, "create", target, c, base, "create.lua", [prefix, token]));
      runs.push(
        await wrk(system, "mix80/20", target, c, base, "create.lua", [
          prefix,
          token,
          "mix",
          files[`get-${target}`]!,
        ]),
      );
    }
  };
  // Warm-up (JIT, pools, JWKS), not recorded.
  await sh("wrk", [
    "-t2",
    "-c16",
    "-d2s",
    "-s",
    `${BENCH}get.lua`,
    gateway,
    "--",
    files["list-gateway"]!,
    token,
  ]);
  await scenarios("gateway", [16, 64, 128]);
  await scenarios("patient", [64]);

  // Event lag: every creation made above, from its commit to analytics having counted it.
  const analyticsDb = postgres(system.databaseUrls.analytics!, { max: 1, onnotice: () => {} });
  const patientDb2 = postgres(system.databaseUrls.patient!, { max: 1, onnotice: () => {} });
  const [counted] = await patientDb2<{ created: number }[]>`
    select count(*)::int as created from patients where created_at >= ${benchStart}`;
  const created = counted?.created ?? 0;
  await patientDb2.end();
  const lagDeadline = Date.now() + 120_000;
  let lags: number[] = [];
  while (Date.now() < lagDeadline) {
    lags = (await analyticsDb<{ ms: number }[]>`
      select extract(epoch from (consumed_at - occurred_at)) * 1000 as ms from processed_events
      where event_type = 'PATIENT_CREATED' and occurred_at >= ${benchStart}`).map((r) =>
      Number(r.ms)
    );
    if (lags.length >= created) break;
    await new Promise((r) => setTimeout(r, 500));
  }
  await analyticsDb.end();
  lags.sort((a, b) => a - b);

  const peakRss = Object.fromEntries(
    Object.keys(system.urls).map((n) => [n, memoryMb(system!.pid(n), "VmHWM")]),
  );

  // Ceilings, in the same run: a bare Hono handler, and pgbench inserts on the same server.
  const barePort = freePort();
  bare = new Deno.Command(Deno.execPath(), {
    args: ["run", "--allow-net", "--allow-env", `${BENCH}bare_hono.ts`],
    env: { PORT: String(barePort) },
    stdout: "null",
    stderr: "null",
  }).spawn();
  await waitForHttp(`http://127.0.0.1:${barePort}/patients`, 10_000);
  await Deno.writeTextFile(`${tmp}/bare.txt`, "/patients");
  runs.push(
    await wrk(undefined, "list", "ceiling", 64, `http://127.0.0.1:${barePort}`, "get.lua", [
      `${tmp}/bare.txt`,
      token,
    ]),
  );
  const benchDb = postgres(pg.urls.bench!, { max: 1, onnotice: () => {} });
  await benchDb`create table bench_patients (id uuid primary key, name text not null,
    email text not null, address text not null, date_of_birth date not null,
    registered_date date not null)`;
  await benchDb`create unique index on bench_patients (lower(email))`;
  await benchDb`create table bench_outbox (id bigserial primary key, event_id uuid not null,
    payload bytea not null)`;
  await benchDb.end();
  const pgbin = (await sh("sh", ["-c", "ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1"]))
    .trim();
  const url = new URL(pg.urls.bench!);
  const pgbench = await sh(`${pgbin}/pgbench`, [
    "-n",
    "-c",
    "16",
    "-j",
    "2",
    "-T",
    String(SECONDS),
    "-f",
    `${BENCH}insert.sql`,
    "-h",
    url.hostname,
    "-p",
    url.port,
    "-U",
    decodeURIComponent(url.username),
    url.pathname.slice(1),
  ], { PGPASSWORD: decodeURIComponent(url.password) });
  const tps = Number(/tps = ([\d.]+)/.exec(pgbench)?.[1] ?? NaN);

  const result = {
    machine: `${navigator.hardwareConcurrency} cores, ${
      Math.round(Deno.systemMemoryInfo().total / 2 ** 30)
    } GiB, Deno ${Deno.version.deno}, wrk 2 threads on the same machine`,
    date: new Date().toISOString(),
    seconds: SECONDS,
    infraMs,
    healthyMs,
    runs,
    gatewayCost: Object.fromEntries(
      ["list", "get", "create", "mix80/20"].map((s) => {
        const g = runs.find((r) =>
          r.scenario === s && r.target === "gateway" && r.connections === 64
        );
        const d = runs.find((r) =>
          r.scenario === s && r.target === "patient" && r.connections === 64
        );
        return [s, g && d ? Math.round((g.rps / d.rps) * 100) / 100 : null];
      }),
    ),
    eventLag: {
      events: lags.length,
      created,
      p50Ms: Math.round(percentile(lags, 50)),
      p99Ms: Math.round(percentile(lags, 99)),
    },
    peakRssMb: peakRss,
    peakTotalRssMb,
    pgbenchInsertTps: Math.round(tps),
  };

  const row = (r: Run) =>
    `| ${r.scenario} | ${r.target} | ${r.connections} | ${r.rps} | ${r.p50.toFixed(1)} | ${
      r.p99.toFixed(1)
    } | ${r.p999.toFixed(1)} | ${r.errors} | ${
      Object.entries(r.cpu).filter(([, v]) => v >= 5).map(([n, v]) => `${n} ${v}%`).join(", ")
    } |`;
  console.log(`
Benchmark — ${result.machine}; ${SECONDS} s per run; ${result.date}

| scenario | target | conns | req/s | p50 ms | p99 ms | p99.9 ms | errors | CPU, % of one core (≥5%; machine = all processes, of 200) |
|---|---|---|---|---|---|---|---|---|
${runs.map(row).join("\n")}

- gateway cost (gateway req/s ÷ patient req/s at 64 conns): ${
    Object.entries(result.gatewayCost).map(([s, v]) => `${s} ${v}`).join(", ")
  }
- pgbench insert ceiling (patient row + outbox row per transaction, 16 clients): ${result.pgbenchInsertTps} tps
- event lag create → consumed by analytics: p50 ${result.eventLag.p50Ms} ms, p99 ${result.eventLag.p99Ms} ms (${result.eventLag.events}/${created} events)
- infrastructure up in ${infraMs} ms; all six services healthy ${healthyMs} ms after that
- peak RSS per service (MB): ${
    Object.entries(peakRss).map(([n, v]) => `${n} ${v}`).join(", ")
  }; six together at most ${peakTotalRssMb} MB at once
`);
  await Deno.mkdir(`${ROOT}.results`, { recursive: true });
  await Deno.writeTextFile(`${ROOT}.results/bench.json`, JSON.stringify(result, null, 2) + "\n");
} finally {
  if (bare) {
    bare.kill("SIGTERM");
    await bare.status;
  }
  await system?.stop();
  await kafka?.stop();
  await pg.stop();
  await Deno.remove(tmp, { recursive: true });
}
