// deno-lint-ignore-file no-console
/**
 * Running `wrk` (Debian's package; installed when missing) with one of this folder's Lua scripts,
 * and reading back the figures the script prints (`BENCH_JSON {...}`, see `report.lua`), with the
 * CPU each process spent during the run.
 *
 * @module
 */
import { runCommand } from "./_util.ts";
import {
  measureCpu,
  pidsNamed,
  type Proc,
  type ProcessGroups,
  type RssPeak,
  waitUntilQuiet,
} from "./process_stats.ts";

/** This folder, where the Lua scripts are. */
const SCRIPTS = new URL("./", import.meta.url).pathname;

/** What `report.lua` prints at the end of a wrk run; latencies in ms. */
export interface WrkFigures {
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

/** Where a run sends its requests. */
export type Target = "gateway" | "patient" | "ceiling";

/** One recorded run: the figures, req/s and the CPU per process. */
export interface Run extends WrkFigures {
  scenario: string;
  target: Target;
  connections: number;
  rps: number;
  /** CPU per service during the run, in percent of one core. */
  cpu: Record<string, number>;
  /** With `settle`: how long the services took to become quiet after wrk ended, in ms. */
  settledMs?: number;
  /** With `rss`: the services' highest total resident memory during the run, MB. */
  rssMb?: number;
}

/** One wrk run to make. */
export interface WrkOptions {
  scenario: string;
  target: Target;
  connections: number;
  seconds: number;
  /** Base URL. */
  url: string;
  /** A Lua script of this folder (`get.lua`, `create.lua`). */
  script: string;
  /** The script's arguments (after `--`). */
  args: string[];
  /**
   * The services' processes (or, sharing one, their threads), by name, whose CPU is recorded
   * (none for a ceiling); see `serviceProcs`.
   */
  services?: Record<string, Proc[]>;
  /** Sampled for the services' peak total memory while the run goes on. */
  rss?: RssPeak;
  /**
   * Count what the run leaves behind (events still consumed, billing accounts still opened, audit
   * records still stored) in its CPU: after wrk ends, wait until the services are quiet before
   * reading it. The percentages stay per second of the run, so that CPU per request is the whole
   * cost of a request, and the next run does not pay for this one's.
   */
  settle?: boolean;
  /** With `settle`: below this the services are quiet, in percent of one core (default 10). */
  quietPercent?: number;
}

/** Installs wrk with apt when it is not on the PATH. */
export async function ensureWrk(): Promise<void> {
  if ((await new Deno.Command("sh", { args: ["-c", "command -v wrk"] }).output()).success) return;
  console.error("bench: installing wrk (apt)");
  await runCommand("sh", [
    "-c",
    "apt-get install -y -qq wrk || (apt-get update -qq && apt-get install -y -qq wrk)",
  ]);
}

/** A run that is not recorded (JIT, pools, JWKS): 16 connections for 2 s. */
export async function warmUp(url: string, script: string, args: string[]): Promise<void> {
  await runCommand("wrk", ["-t2", "-c16", "-d2s", "-s", `${SCRIPTS}${script}`, url, "--", ...args]);
}

/** Runs wrk once (2 threads, 5 s timeout), prints a line of figures to stderr and returns them. */
export async function runWrk(o: WrkOptions): Promise<Run> {
  const groups: ProcessGroups = { ...o.services };
  groups.postgres = pidsNamed("postgres");
  groups.kafka = pidsNamed("java");
  const cpuSince = measureCpu(groups);
  const stopSampling = o.rss?.sample();
  const started = performance.now();
  const out = await runCommand("wrk", [
    "-t2",
    `-c${o.connections}`,
    `-d${o.seconds}s`,
    "--timeout",
    "5s",
    "-s",
    `${SCRIPTS}${o.script}`,
    o.url,
    "--",
    ...o.args,
  ]);
  const elapsed = (performance.now() - started) / 1000;
  const rssMb = stopSampling?.();
  const settledMs = o.settle ? await settle(o.services, o.quietPercent) : undefined;
  const figures = parseFigures(out);
  const run: Run = {
    scenario: o.scenario,
    target: o.target,
    connections: o.connections,
    ...figures,
    rps: Math.round(figures.requests / figures.seconds),
    cpu: cpuSince(elapsed),
    ...(settledMs !== undefined && { settledMs }),
    ...(rssMb !== undefined && { rssMb }),
  };
  console.error(
    `bench: ${o.scenario.padEnd(8)} ${o.target.padEnd(8)} c=${String(o.connections).padEnd(4)}` +
      ` ${String(run.rps).padStart(6)} req/s  p50 ${run.p50.toFixed(1)} ms  p99 ${
        run.p99.toFixed(1)
      } ms  errors ${run.errors}${rssMb ? `  services ${rssMb} MB` : ""}`,
  );
  return run;
}

/**
 * Waits until the services are quiet (see `waitUntilQuiet`) and resolves with how long that took;
 * says so on stderr when they were not quiet within a minute.
 */
export async function settle(
  services: WrkOptions["services"] = {},
  quietPercent = 10,
): Promise<number> {
  const pids = Object.values(services).flat();
  const { quiet, waitedMs, percent } = await waitUntilQuiet(pids, { maxPercent: quietPercent });
  if (!quiet) {
    console.error(`bench: the services were still busy after a minute (${percent} % of a core)`);
  }
  return waitedMs;
}

/** The figures of wrk's output (the `BENCH_JSON` line); throws when there is none. */
export function parseFigures(out: string): WrkFigures {
  const line = out.split("\n").find((l) => l.startsWith("BENCH_JSON "));
  if (!line) throw new Error(`wrk printed no figures:\n${out}`);
  return JSON.parse(line.slice("BENCH_JSON ".length)) as WrkFigures;
}
