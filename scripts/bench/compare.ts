// deno-lint-ignore-file no-console
/**
 * `deno task bench --compare`: three scenarios in one table, a column per gateway, so the
 * comparison with the Java original (or any gateway speaking the same contract) can be
 * rerun. Each gateway is measured the same way: log in as the demo user at `/auth/login`, warm
 * up for `--warmup` seconds (30), then wrk with 2 threads for `--seconds` (10) each:
 * `GET /api/patients` at 16 and 64 connections while the list holds the 15 demo patients, then
 * `POST /api/patients` (a new email each time) at 16. Without `--url` it starts this system
 * (PostgreSQL, Kafka, all services, nothing seeded but the demo patients) and measures its
 * gateway, with the services' resident memory after the load; each `--url <gateway>` adds
 * another gateway, already running, as a column (its memory is not measured from here), and
 * `--no-system` leaves ours out.
 *
 *     deno task bench --compare [--url http://127.0.0.1:4004]... [--no-system] [--warmup 30]
 *
 * @module
 */
import { catalog } from "../../services/catalog.ts";
import { loginSeededUser, numberArg } from "./_util.ts";
import { memoryMb, pssMb } from "./process_stats.ts";
import { type BenchSystem, startBenchSystem } from "./system.ts";
import { ensureWrk, runWrk, type WrkFigures } from "./wrk.ts";

/** One of the table's rows: what runs and how it is named in the table. */
interface Scenario {
  label: string;
  script: "get.lua" | "create.lua";
  connections: number;
}

const SCENARIOS: Scenario[] = [
  { label: "GET /api/patients, 16 connections", script: "get.lua", connections: 16 },
  { label: "GET /api/patients, 64 connections", script: "get.lua", connections: 64 },
  { label: "POST /api/patients, 16 connections", script: "create.lua", connections: 16 },
];

/** One gateway's figures: per scenario label, and its services' memory when known. */
interface Column {
  name: string;
  figures: Record<string, WrkFigures & { rps: number }>;
  rssMb?: number;
  /** The same with shared pages counted once (PSS). */
  pssMb?: number;
  processes?: number;
}

/** The `--url` values in order. */
function urlArgs(): string[] {
  return Deno.args.flatMap((arg, i) => (arg === "--url" ? [Deno.args[i + 1] ?? ""] : []))
    .filter(Boolean);
}

/** Measures one gateway: warm-up, then the three scenarios in order. */
async function measure(name: string, url: string, tmp: string, o: {
  seconds: number;
  warmup: number;
}): Promise<Column> {
  const token = await loginSeededUser(url);
  const list = `${tmp}/list-${encodeURIComponent(name)}.txt`;
  await Deno.writeTextFile(list, "/api/patients");
  const args = (s: Scenario) => (s.script === "get.lua" ? [list, token] : ["/api", token]);
  console.error(`bench --compare: ${name} (${url}): warming up for ${o.warmup} s`);
  await runWrk({
    scenario: "warm-up",
    target: "gateway",
    connections: 16,
    seconds: o.warmup,
    url,
    script: "get.lua",
    args: [list, token],
  });
  const figures: Column["figures"] = {};
  for (const s of SCENARIOS) {
    const run = await runWrk({
      scenario: s.script === "get.lua" ? "list" : "create",
      target: "gateway",
      connections: s.connections,
      seconds: o.seconds,
      url,
      script: s.script,
      args: args(s),
    });
    figures[s.label] = run;
  }
  return { name, figures };
}

/** `2,140 req/s, p99 42.3 ms` (or `573/s` for creates), as the table writes them. */
function cell(s: Scenario, f: WrkFigures & { rps: number }): string {
  const rate = f.rps.toLocaleString("en-US") + (s.script === "get.lua" ? " req/s" : "/s");
  const errors = f.errors + f.non2xx > 0 ? `, ${f.errors + f.non2xx} errors` : "";
  return `${rate}, p99 ${f.p99.toFixed(1)} ms${errors}`;
}

/** The table: one row per scenario, a column per gateway, and ours ÷ the first other. */
export function compareTable(columns: Column[]): string {
  const ours = columns.find((c) => c.name === "ours");
  const other = columns.find((c) => c.name !== "ours");
  const ratio = ours && other;
  const header = ["scenario", ...columns.map((c) => c.name), ...(ratio ? ["ratio"] : [])];
  const lines = [`| ${header.join(" | ")} |`, `|${header.map(() => "---").join("|")}|`];
  for (const s of SCENARIOS) {
    const cells = columns.map((c) => cell(s, c.figures[s.label]!));
    const r = ratio
      ? [`${(ours.figures[s.label]!.rps / other.figures[s.label]!.rps).toFixed(2)}×`]
      : [];
    lines.push(`| ${[s.label, ...cells, ...r].join(" | ")} |`);
  }
  const memory = columns.map((c) =>
    c.rssMb === undefined
      ? "not measured"
      : `${c.rssMb} MB (${c.processes} Deno; PSS ${c.pssMb} MB)`
  );
  const memoryRatio = ratio && ours.rssMb !== undefined && other.rssMb !== undefined
    ? [`${(ours.rssMb / other.rssMb).toFixed(2)}×`]
    : ratio
    ? ["–"]
    : [];
  lines.push(`| ${["RSS of the services after load", ...memory, ...memoryRatio].join(" | ")} |`);
  return lines.join("\n");
}

/** Runs the comparison and prints the table to stdout. */
export async function runCompare(): Promise<void> {
  const seconds = numberArg("seconds", 10);
  const warmup = numberArg("warmup", 30);
  const others = urlArgs();
  const withOurs = !Deno.args.includes("--no-system");
  await ensureWrk();
  const tmp = await Deno.makeTempDir({ prefix: "pms-compare-" });
  let bench: BenchSystem | undefined;
  try {
    const columns: Column[] = [];
    if (withOurs) {
      bench = await startBenchSystem({ databases: [] });
      const column = await measure("ours", bench.system.urls.gateway!, tmp, { seconds, warmup });
      const names = catalog.services.map((s) => s.name);
      column.rssMb = names.reduce((sum, n) => sum + memoryMb(bench!.system.pid(n), "VmRSS"), 0);
      column.pssMb = names.reduce((sum, n) => sum + pssMb(bench!.system.pid(n)), 0);
      column.processes = names.length;
      columns.push(column);
      await bench.stop();
      bench = undefined;
    }
    for (const [i, url] of others.entries()) {
      columns.push(
        await measure(others.length > 1 ? `other ${i + 1}` : "other", url, tmp, {
          seconds,
          warmup,
        }),
      );
    }
    console.log(compareTable(columns));
  } finally {
    await bench?.stop();
    await Deno.remove(tmp, { recursive: true });
  }
}
