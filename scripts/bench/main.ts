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
 *     deno task bench [--seconds 8] [--repeat 3] [--one-process]
 *     deno task bench --compare [--url <another gateway>]...   (see `compare.ts`)
 *
 * Each run starts with the services quiet: what the run before left behind (events still
 * consumed, billing accounts still opened) is done, so that no run pays for another's.
 *
 * `--repeat N` runs every scenario N times, in rounds on the same system (each round from a
 * vacuumed patients table, as the first), and reports each row's round of median req/s (single
 * runs on this machine move by a quarter), with every round's req/s.
 *
 * `--one-process` runs every service in one process, each in an isolate of its own, as
 * `deno task dev --one-process` does; each service's CPU is then its isolate's thread's, and the
 * process's other threads are a row of their own (`shared threads`).
 *
 * This module only orchestrates: see `wrk.ts`, `process_stats.ts`, `seed.ts`, `event_lag.ts`,
 * `ceilings.ts` and `report.ts`.
 *
 * @module
 */
import { catalog } from "../../services/catalog.ts";
import { gatewayPrefix, loginSeededUser, numberArg, percentile } from "./_util.ts";
import { bareHonoCeiling, pgbenchInsertTps } from "./ceilings.ts";
import { eventLagSince } from "./event_lag.ts";
import { memoryMb, RssPeak } from "./process_stats.ts";
import {
  type BenchResult,
  describeMachine,
  formatReport,
  gatewayCost,
  medianRuns,
  peakRun,
  writeResult,
} from "./report.ts";
import { type PathFiles, seedPatients, vacuumPatients, writePathFiles } from "./seed.ts";
import { type BenchSystem, ONE_PROCESS, serviceProcs, startBenchSystem } from "./system.ts";
import { ensureWrk, type Run, runWrk, settle, warmUp } from "./wrk.ts";

const SECONDS = numberArg("seconds", 8);
const REPEAT = numberArg("repeat", 1);
if (!Number.isInteger(REPEAT) || REPEAT < 1) {
  console.error("--repeat takes a whole number of rounds, 1 or more");
  Deno.exit(2);
}

if (Deno.args.includes("--compare")) {
  const { runCompare } = await import("./compare.ts");
  await runCompare();
  Deno.exit(0);
}

await ensureWrk();
const tmp = await Deno.makeTempDir({ prefix: "pms-bench-" });
let bench: BenchSystem | undefined;
try {
  bench = await startBenchSystem({ databases: ["bench"], oneProcess: ONE_PROCESS });
  const { system, infraMs, healthyMs, serving } = bench;
  const names = catalog.services.map((s) => s.name);
  const pids = () => serviceProcs(system, names);
  const rss = new RssPeak(() => names.map((n) => system.pid(n)));
  const base = { gateway: system.urls.gateway!, patient: system.urls.patient! };
  const prefix = { gateway: gatewayPrefix("patient"), patient: "" };

  const token = await loginSeededUser(base.gateway);
  const ids = await seedPatients(system.databaseUrls.patient!);
  const files: Record<"gateway" | "patient", PathFiles> = {
    gateway: await writePathFiles(tmp, "gateway", prefix.gateway, ids),
    patient: await writePathFiles(tmp, "patient", prefix.patient, ids),
  };

  const benchStart = new Date();
  /** Runs the target's scenarios at each connection count, adding each run to `runs`. */
  const scenarios = async (runs: Run[], target: "gateway" | "patient", connections: number[]) => {
    const run = async (scenario: string, c: number, script: string, args: string[]) => {
      // What the run before left behind (events, billing accounts) is not this run's to pay.
      await serving();
      await settle(pids());
      return await runWrk({
        scenario,
        target,
        connections: c,
        seconds: SECONDS,
        url: base[target],
        script,
        args,
        services: pids(),
        rss,
      });
    };
    for (const c of connections) {
      runs.push(await run("list", c, "get.lua", [files[target].list, token]));
    }
    for (const c of connections.filter((c) => c <= 64)) {
      runs.push(await run("get", c, "get.lua", [files[target].get, token]));
      runs.push(await run("create", c, "create.lua", [prefix[target], token]));
      runs.push(
        await run("mix80/20", c, "create.lua", [prefix[target], token, "mix", files[target].get]),
      );
    }
  };
  // Warm-up (JIT, pools, JWKS), not recorded.
  await warmUp(base.gateway, "get.lua", [files.gateway.list, token]);
  const rounds: Run[][] = [];
  for (let round = 0; round < REPEAT; round++) {
    // Each round starts from a vacuumed table, as the first does (see `vacuumPatients`): the
    // previous round's thousands of creates would otherwise slow its lists until autovacuum.
    if (round > 0) await vacuumPatients(system.databaseUrls.patient!);
    const runs: Run[] = [];
    await scenarios(runs, "gateway", [16, 64, 128]);
    await scenarios(runs, "patient", [64]);
    rounds.push(runs);
  }
  const median = medianRuns(rounds);
  const runs = median.runs;

  // Event lag: every creation made above, from its commit to analytics having counted it.
  const { created, lags } = await eventLagSince({
    patient: system.databaseUrls.patient!,
    analytics: system.databaseUrls.analytics!,
  }, benchStart);
  const peakRssMb = system.oneProcess
    ? { "one process": memoryMb(system.pid(names[0]!), "VmHWM") }
    : Object.fromEntries(names.map((n) => [n, memoryMb(system.pid(n), "VmHWM")]));

  // Ceilings, in the same run: a bare Hono handler, and pgbench inserts on the same server.
  runs.push(await bareHonoCeiling(tmp, token, SECONDS));
  const tps = await pgbenchInsertTps(bench.pg.urls.bench!, SECONDS);

  const result: BenchResult = {
    machine: describeMachine(),
    date: new Date().toISOString(),
    seconds: SECONDS,
    infraMs,
    healthyMs,
    runs,
    ...(REPEAT > 1 ? { rounds: median.rounds } : {}),
    gatewayCost: gatewayCost(runs),
    eventLag: {
      events: lags.length,
      created,
      p50Ms: Math.round(percentile(lags, 50)),
      p99Ms: Math.round(percentile(lags, 99)),
    },
    services: names.length,
    peakRssMb,
    peakTotalRssMb: rss.peakMb,
    peakTotalPssMb: rss.peakPssMb,
    peakDuring: peakRun(rounds),
    pgbenchInsertTps: Math.round(tps),
    restarts: { ...system.restarts },
  };
  console.log(formatReport(result));
  await writeResult("bench.json", result);
} finally {
  await bench?.stop();
  await Deno.remove(tmp, { recursive: true });
}
