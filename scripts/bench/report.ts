/**
 * The bench's result: the JSON written to `.results/`, and the Markdown table and notes printed
 * to stdout.
 *
 * @module
 */
import { performanceTargets } from "./targets.ts";
import type { Run } from "./wrk.ts";

const ROOT = new URL("../../", import.meta.url).pathname;

/** What `deno task bench` measured, as written to `.results/bench.json`. */
export interface BenchResult {
  /** Cores, memory, Deno version and how wrk ran. */
  machine: string;
  /** When, ISO 8601. */
  date: string;
  /** Length of each run. */
  seconds: number;
  /** From start to PostgreSQL and Kafka up, ms. */
  infraMs: number;
  /** From the infrastructure up to every service healthy, ms. */
  healthyMs: number;
  /** One run per scenario, target and connection count: with `--repeat`, the median round's. */
  runs: Run[];
  /** With `--repeat N` (N > 1): each row's req/s in every round, in round order. */
  rounds?: Record<string, number[]>;
  /** Gateway req/s ÷ patient req/s at 64 connections, by scenario (null when not both ran). */
  gatewayCost: Record<string, number | null>;
  eventLag: { events: number; created: number; p50Ms: number; p99Ms: number };
  /** How many services ran (in one process or a process each). */
  services?: number;
  /** Each service's peak resident memory, MB (with `--one-process`, the one process's). */
  peakRssMb: Record<string, number>;
  /** The services' highest resident memory at one moment, MB. */
  peakTotalRssMb: number;
  /** The same with shared pages (the `deno` binary) counted once: PSS, MB. */
  peakTotalPssMb: number;
  /** The run during which the services' total RSS was highest (see {@linkcode peakRun}). */
  peakDuring?: string;
  pgbenchInsertTps: number;
  /**
   * Services that died during the run and were started again, with how often (a peak RSS then
   * covers only the last run of the process).
   */
  restarts?: Record<string, number>;
}

/** This machine, as the result names it. */
export function describeMachine(): string {
  return `${navigator.hardwareConcurrency} cores, ${
    Math.round(Deno.systemMemoryInfo().total / 2 ** 30)
  } GiB, Deno ${Deno.version.deno}, wrk 2 threads on the same machine`;
}

/** A run's row: `list gateway 64`. */
export function runKey(run: Run): string {
  return `${run.scenario} ${run.target} ${run.connections}`;
}

/**
 * The run, of every round, during which the services' total RSS was highest, as
 * `"<scenario> <target> c=<connections>, round <n>"` (the round only when there are several);
 * undefined when no run sampled it.
 */
export function peakRun(rounds: Run[][]): string | undefined {
  let peak: { run: Run; round: number } | undefined;
  rounds.forEach((runs, round) => {
    for (const run of runs) {
      if ((run.rssMb ?? 0) > (peak?.run.rssMb ?? 0)) peak = { run, round };
    }
  });
  if (!peak) return undefined;
  const { run, round } = peak;
  return `${run.scenario} ${run.target} c=${run.connections}` +
    (rounds.length > 1 ? `, round ${round + 1}` : "");
}

/**
 * For runs repeated in rounds (each round the same rows in the same order): each row's run of
 * median req/s (of an even count the lower middle one), so its latencies and CPU are one real
 * run's, and every round's req/s by row.
 */
export function medianRuns(rounds: Run[][]): { runs: Run[]; rounds: Record<string, number[]> } {
  const byKey = new Map<string, Run[]>();
  for (const run of rounds.flat()) {
    const key = runKey(run);
    byKey.set(key, byKey.get(key) ?? []);
    byKey.get(key)!.push(run);
  }
  const runs = [...byKey.values()].map((all) => {
    const sorted = [...all].sort((a, b) => a.rps - b.rps);
    return sorted[Math.floor((sorted.length - 1) / 2)]!;
  });
  const rps = [...byKey].map(([key, all]) => [key, all.map((r) => r.rps)] as const);
  return { runs, rounds: Object.fromEntries(rps) };
}

/** Gateway req/s ÷ patient req/s at 64 connections for each scenario, two decimals. */
export function gatewayCost(runs: Run[]): Record<string, number | null> {
  const at64 = (scenario: string, target: Run["target"]) =>
    runs.find((r) => r.scenario === scenario && r.target === target && r.connections === 64);
  return Object.fromEntries(
    ["list", "get", "create", "mix80/20"].map((s) => {
      const g = at64(s, "gateway");
      const d = at64(s, "patient");
      return [s, g && d ? Math.round((g.rps / d.rps) * 100) / 100 : null];
    }),
  );
}

const NUMBERS = ["no", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine"];

/** The printed report: one table row a run, then the other figures. */
export function formatReport(result: BenchResult): string {
  const count = result.services ?? Object.keys(result.peakRssMb).length;
  const services = NUMBERS[count] ?? String(count);
  const row = (r: Run) =>
    `| ${r.scenario} | ${r.target} | ${r.connections} | ${r.rps} | ${r.p50.toFixed(1)} | ${
      r.p99.toFixed(1)
    } | ${r.p999.toFixed(1)} | ${r.errors} | ${
      Object.entries(r.cpu).filter(([, v]) => v >= 5).map(([n, v]) => `${n} ${v}%`).join(", ")
    } |`;
  return `
Benchmark — ${result.machine}; ${result.seconds} s per run; ${result.date}${
    result.rounds
      ? `; ${Object.values(result.rounds)[0]?.length} rounds, each row the round of median req/s`
      : ""
  }

| scenario | target | conns | req/s | p50 ms | p99 ms | p99.9 ms | errors | CPU, % of one core (≥5%; machine = all processes, of 200) |
|---|---|---|---|---|---|---|---|---|
${result.runs.map(row).join("\n")}

- gateway cost (gateway req/s ÷ patient req/s at 64 conns): ${
    Object.entries(result.gatewayCost).map(([s, v]) => `${s} ${v}`).join(", ")
  }
- pgbench insert ceiling (patient row + outbox row per transaction, 16 clients): ${result.pgbenchInsertTps} tps
- event lag create → consumed by analytics: p50 ${result.eventLag.p50Ms} ms, p99 ${result.eventLag.p99Ms} ms (${result.eventLag.events}/${result.eventLag.created} events)
- infrastructure up in ${result.infraMs} ms; all ${services} services healthy ${result.healthyMs} ms after that
- peak RSS per service (MB): ${
    Object.entries(result.peakRssMb).map(([n, v]) => `${n} ${v}`).join(", ")
  }; ${services} together at most ${result.peakTotalRssMb} MB at once (RSS)${
    result.peakDuring ? `, during ${result.peakDuring}` : ""
  }, ${result.peakTotalPssMb} MB
  counting the pages they share (the \`deno\` binary) once (PSS)${
    result.restarts && Object.keys(result.restarts).length > 0
      ? `\n- restarted after dying during the run (peak RSS is the last run's): ${
        Object.entries(result.restarts).map(([n, v]) => `${n} ${v}×`).join(", ")
      }`
      : ""
  }
${
    performanceTargets(result.runs, result.gatewayCost.get ?? null, result.peakTotalRssMb)
      .map((line) => `- target: ${line}`).join("\n")
  }
${
    result.rounds
      ? `- req/s of every round: ${
        Object.entries(result.rounds).map(([key, rps]) => `${key} ${rps.join("/")}`).join("; ")
      }\n`
      : ""
  }`;
}

/** Writes `result` as indented JSON to `.results/<name>` at the repository root. */
export async function writeResult(name: string, result: unknown): Promise<void> {
  await Deno.mkdir(`${ROOT}.results`, { recursive: true });
  await Deno.writeTextFile(`${ROOT}.results/${name}`, JSON.stringify(result, null, 2) + "\n");
}
