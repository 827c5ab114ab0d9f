// deno-lint-ignore-file no-console
/**
 * `deno task bench:profile`: where each millisecond of a list, a get and a create goes, per
 * process, before anyone changes code for speed. It starts the bench's system (durable
 * PostgreSQL with `pg_stat_statements`, a real broker, every service), adds the bench's 1,000
 * patients, and runs each scenario through the gateway at 64 connections with wrk. For each it
 * prints the CPU every process spent per request (ms), and the statements that took the most
 * database time, per request. Both count what a scenario leaves behind (events still consumed,
 * billing accounts still opened, audit records still stored): each scenario starts with the
 * services quiet and is measured until they are quiet again, so that no scenario pays for the one
 * before it. With `--cpu-prof` the gateway, patient and audit services run
 * under the V8 inspector and their self time is summarised by package (raw `.cpuprofile` files go
 * to `.results/`, for Chrome DevTools); the inspector slows the gateway (Deno reports every
 * fetch to it), so the CPU figures of that run are not the bench's. With `--heap` every service
 * runs under the inspector, and after the runs each one's V8 heap (used and reserved) is printed
 * beside its resident memory (RSS, the part of it that is the mapped `deno` binary, and PSS).
 * With `--alloc` the gateway, patient and audit services run under the inspector with V8's
 * sampling heap profiler, and the bytes each allocates per request are printed by package and by
 * function (what the young generation's collections have to sweep); raw `.heapprofile` files go to
 * `.results/`.
 *
 *     deno task bench:profile [--seconds 8] [--only list,get,create] [--pg name=value]… [--cpu-prof] [--heap] [--alloc] [--one-process]
 *
 * With `--one-process` every service runs in one process, each in an isolate of its own, as
 * `deno task dev --one-process` runs them: each service's CPU is its isolate's thread's, and the
 * process's other threads (its main isolate, V8's helpers, the runtime's) are `shared threads`.
 * The inspector's options need a process per service and are refused with it.
 *
 * @module
 */
import postgres from "postgres";
import { catalog } from "../../services/catalog.ts";
import { gatewayPrefix, loginSeededUser, numberArg } from "./_util.ts";
import {
  type AllocationLine,
  type CpuProfile,
  heapUsageMb,
  startAllocationProfile,
  startCpuProfile,
  summarizeAllocations,
  summarizeProfile,
} from "./inspector.ts";
import { memoryMb, pssMb } from "./process_stats.ts";
import { writeResult } from "./report.ts";
import { seedPatients, writePathFiles } from "./seed.ts";
import { type BenchSystem, ONE_PROCESS, serviceProcs, startBenchSystem } from "./system.ts";
import { ensureWrk, type Run, runWrk, settle, warmUp } from "./wrk.ts";

const SECONDS = numberArg("seconds", 8);
const CPU_PROF = Deno.args.includes("--cpu-prof");
const HEAP = Deno.args.includes("--heap");
const ALLOC = Deno.args.includes("--alloc");
/** `--pg name=value` (repeatable): extra PostgreSQL settings to compare. */
const PG_SETTINGS = Deno.args.flatMap((arg, i) => Deno.args[i - 1] === "--pg" ? [arg] : []);
/** `--only list,create`: the scenarios to run (default all three). */
const ONLY = Deno.args.includes("--only")
  ? (Deno.args[Deno.args.indexOf("--only") + 1] ?? "").split(",")
  : undefined;
if (ONE_PROCESS && (CPU_PROF || HEAP || ALLOC)) {
  throw new Error("--one-process: --cpu-prof, --heap and --alloc need a process per service");
}
const unknownScenarios = ONLY?.filter((name) => !["list", "get", "create"].includes(name)) ?? [];
if (unknownScenarios.length > 0) {
  throw new Error(`--only: no scenario ${unknownScenarios.join(", ")} (list, get, create)`);
}
/** Inspector ports of the profiled services (with `--cpu-prof`). */
const INSPECTED: Record<string, number> = { gateway: 9291, patient: 9292, audit: 9293 };
/**
 * Below this the services are quiet after a load (percent of one core, all together): V8's
 * sampling profiler keeps each profiled process near 13 % busy even when it has nothing to do.
 */
const QUIET_PERCENT = CPU_PROF ? 10 + 15 * Object.keys(INSPECTED).length : 10;
/** Inspector ports of every service (with `--heap`). */
const HEAP_PORTS: Record<string, number> = Object.fromEntries(
  catalog.services.map((s, i) => [s.name, INSPECTED[s.name] ?? 9300 + i]),
);

/** One statement's share of a scenario, per request. */
interface StatementLine {
  database: string;
  callsPerRequest: number;
  msPerCall: number;
  msPerRequest: number;
  query: string;
}

/** One scenario's profile. */
interface ScenarioProfile {
  scenario: string;
  rps: number;
  p99: number;
  /** CPU per request by process (ms), what the load left behind included. */
  cpuMsPerRequest: Record<string, number>;
  /** How long after the load the services were quiet again (ms). */
  settledMs: number;
  /**
   * Services that died during the scenario and were started again: their CPU until then is
   * missing, and so is the work that waited for them.
   */
  restarted: string[];
  statements: StatementLine[];
  /** With `--cpu-prof`: self time by package, per profiled service. */
  cpu?: Record<string, { name: string; percent: number }[]>;
  /** With `--alloc`: bytes allocated per request by package and by function, per service. */
  alloc?: Record<string, { areas: AllocationLine[]; functions: AllocationLine[] }>;
}

await ensureWrk();
const tmp = await Deno.makeTempDir({ prefix: "pms-profile-" });
let bench: BenchSystem | undefined;
try {
  bench = await startBenchSystem({
    databases: ["bench"],
    oneProcess: ONE_PROCESS,
    pgSettings: [
      "shared_preload_libraries=pg_stat_statements",
      "pg_stat_statements.max=1000",
      ...PG_SETTINGS,
    ],
    denoArgs: CPU_PROF || HEAP || ALLOC
      ? Object.fromEntries(
        Object.entries(HEAP ? HEAP_PORTS : INSPECTED)
          .map(([name, port]) => [name, [`--inspect=127.0.0.1:${port}`]]),
      )
      : undefined,
  });
  const { system } = bench;
  const admin = postgres(bench.pg.serverUrl!, { max: 1, onnotice: () => {} });
  await admin`create extension if not exists pg_stat_statements`;
  const names = catalog.services.map((s) => s.name);
  const databases = Object.fromEntries(
    Object.entries(system.databaseUrls).map((
      [name, url],
    ) => [new URL(url).pathname.slice(1), name]),
  );
  const token = await loginSeededUser(system.urls.gateway!);
  const ids = await seedPatients(system.databaseUrls.patient!);
  const files = await writePathFiles(tmp, "gateway", gatewayPrefix("patient"), ids);
  await warmUp(system.urls.gateway!, "get.lua", [files.list, token]);
  await warmUp(system.urls.gateway!, "create.lua", [gatewayPrefix("patient"), token]);
  const services = () => serviceProcs(system, names);
  // The warm-up's creates are still being consumed and billed: none of that is the first
  // scenario's.
  await settle(services(), QUIET_PERCENT);

  const all: [string, string, string[]][] = [
    ["list", "get.lua", [files.list, token]],
    ["get", "get.lua", [files.get, token]],
    ["create", "create.lua", [gatewayPrefix("patient"), token]],
  ];
  const scenarios = all.filter(([scenario]) => !ONLY || ONLY.includes(scenario));
  const profiles: ScenarioProfile[] = [];
  for (const [scenario, script, args] of scenarios) {
    await bench.serving();
    await admin`select pg_stat_statements_reset()`;
    const restartsBefore = { ...system.restarts };
    const stops = CPU_PROF
      ? await Promise.all(Object.values(INSPECTED).map((port) => startCpuProfile(port)))
      : [];
    const allocStops = ALLOC
      ? await Promise.all(Object.values(INSPECTED).map((port) => startAllocationProfile(port)))
      : [];
    const run: Run = await runWrk({
      scenario,
      target: "gateway",
      connections: 64,
      seconds: SECONDS,
      url: system.urls.gateway!,
      script,
      args,
      services: services(),
      settle: true,
      quietPercent: QUIET_PERCENT,
    });
    const cpuProfiles: CpuProfile[] = await Promise.all(stops.map((stop) => stop()));
    const allocProfiles = await Promise.all(allocStops.map((stop) => stop()));
    const perRequest = (percent: number) =>
      Math.round((percent / 100) * run.seconds * 1000 / run.requests * 1000) / 1000;
    const cpuMsPerRequest = Object.fromEntries(
      Object.entries(run.cpu).filter(([name]) => name !== "machine")
        .map(([name, percent]) => [name, perRequest(percent)]),
    );
    const rows = await admin<
      { datname: string; calls: string; total: number; query: string }[]
    >`
      select d.datname, s.calls::text, s.total_exec_time as total, s.query
      from pg_stat_statements s join pg_database d on d.oid = s.dbid
      where s.toplevel order by s.total_exec_time desc limit 8`;
    const statements = rows.map((r) => ({
      database: databases[r.datname] ?? r.datname,
      callsPerRequest: Math.round(Number(r.calls) / run.requests * 100) / 100,
      msPerCall: Math.round(r.total / Number(r.calls) * 1000) / 1000,
      msPerRequest: Math.round(r.total / run.requests * 1000) / 1000,
      query: r.query.replace(/\s+/g, " ").slice(0, 90),
    }));
    const profile: ScenarioProfile = {
      scenario,
      rps: run.rps,
      p99: run.p99,
      cpuMsPerRequest,
      settledMs: run.settledMs ?? 0,
      restarted: names.filter((n) => (system.restarts[n] ?? 0) > (restartsBefore[n] ?? 0)),
      statements,
    };
    if (CPU_PROF) {
      profile.cpu = {};
      for (const [i, name] of Object.keys(INSPECTED).entries()) {
        const cpuProfile = cpuProfiles[i]!;
        profile.cpu[name] = summarizeProfile(cpuProfile, "area", 10);
        await writeResult(`${name}-${scenario}.cpuprofile`, cpuProfile);
      }
    }
    if (ALLOC) {
      profile.alloc = {};
      for (const [i, name] of Object.keys(INSPECTED).entries()) {
        profile.alloc[name] = {
          areas: summarizeAllocations(allocProfiles[i]!, "area", run.requests, 8),
          functions: summarizeAllocations(allocProfiles[i]!, "function", run.requests, 12),
        };
        await writeResult(`${name}-${scenario}.heapprofile`, allocProfiles[i]!);
      }
    }
    profiles.push(profile);
  }
  await admin.end();
  console.log(formatProfiles(profiles));
  const memory = HEAP ? await memoryBreakdown(bench) : undefined;
  if (memory) console.log(formatMemory(memory));
  await writeResult("profile.json", {
    date: new Date().toISOString(),
    seconds: SECONDS,
    profiles,
    memory,
  });
} finally {
  await bench?.stop();
  await Deno.remove(tmp, { recursive: true });
}

/** One service's memory after the runs, MB. */
interface MemoryLine {
  service: string;
  heapUsed: number;
  heapTotal: number;
  rss: number;
  /** The resident part of the mapped `deno` binary (RssFile). */
  binary: number;
  pss: number;
}

/** Each service's V8 heap beside its resident memory, read after the runs. */
async function memoryBreakdown(bench: BenchSystem): Promise<MemoryLine[]> {
  const lines: MemoryLine[] = [];
  for (const [service, port] of Object.entries(HEAP_PORTS)) {
    const pid = bench.system.pid(service);
    const heap = await heapUsageMb(port);
    lines.push({
      service,
      heapUsed: heap.used,
      heapTotal: heap.total,
      rss: memoryMb(pid, "VmRSS"),
      binary: memoryMb(pid, "RssFile"),
      pss: pssMb(pid),
    });
  }
  return lines;
}

/** The memory breakdown as Markdown, with a total row. */
function formatMemory(lines: MemoryLine[]): string {
  const sum = (key: keyof Omit<MemoryLine, "service">) => lines.reduce((t, l) => t + l[key], 0);
  const row = (l: MemoryLine) =>
    `| ${l.service} | ${l.heapUsed} | ${l.heapTotal} | ${l.rss} | ${l.binary} | ${l.pss} |`;
  return [
    "### Memory after the runs (MB)",
    "",
    "| service | V8 heap used | V8 heap reserved | RSS | of which the deno binary | PSS |",
    "|---|---|---|---|---|---|",
    ...lines.map(row),
    row({
      service: "all",
      heapUsed: sum("heapUsed"),
      heapTotal: sum("heapTotal"),
      rss: sum("rss"),
      binary: sum("binary"),
      pss: sum("pss"),
    }),
    "",
  ].join("\n");
}

/** What a scenario's CPU line says of services that died during it. */
function restartNote(restarted: string[]): string {
  if (restarted.length === 0) return "";
  return `; ${restarted.join(", ")} died during the run and was started again: its CPU until ` +
    "then, and the work that waited for it, are missing";
}

/** The profiles as Markdown: CPU per request by process, then the heaviest statements. */
function formatProfiles(profiles: ScenarioProfile[]): string {
  const out: string[] = [];
  for (const p of profiles) {
    const cpu = Object.entries(p.cpuMsPerRequest).filter(([, ms]) => ms >= 0.005)
      .sort((a, b) => b[1] - a[1]);
    const total = cpu.reduce((sum, [, ms]) => sum + ms, 0);
    out.push(
      `### ${p.scenario} through the gateway, 64 connections: ${p.rps} req/s, p99 ${p.p99} ms`,
      "",
      `CPU per request: ${cpu.map(([name, ms]) => `${name} ${ms.toFixed(3)}`).join(", ")} ms (${
        total.toFixed(2)
      } ms of the machine's two cores; the services were quiet ${
        (p.settledMs / 1000).toFixed(1)
      } s after the load, and that work is counted)${restartNote(p.restarted)}`,
      "",
      "| database | calls/request | ms/call | ms/request | statement |",
      "|---|---|---|---|---|",
      ...p.statements.map((s) =>
        `| ${s.database} | ${s.callsPerRequest} | ${s.msPerCall} | ${s.msPerRequest} | \`${
          s.query.replaceAll("|", "\\|")
        }\` |`
      ),
      "",
    );
    for (const [name, lines] of Object.entries(p.cpu ?? {})) {
      out.push(`${name} self time: ${lines.map((l) => `${l.name} ${l.percent}%`).join(", ")}`, "");
    }
    const kb = (l: AllocationLine) => `${l.name} ${(l.bytesPerRequest / 1024).toFixed(1)}`;
    for (const [name, { areas, functions }] of Object.entries(p.alloc ?? {})) {
      out.push(
        `${name} allocates per request (KB), by package: ${areas.map(kb).join(", ")}`,
        "",
        `${name} by function: ${functions.map(kb).join(", ")}`,
        "",
      );
    }
  }
  return out.join("\n");
}
