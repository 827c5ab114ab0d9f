// deno-lint-ignore-file no-console
/**
 * `deno task bench:rest`: what the system costs when nobody uses it. It starts the bench's system
 * (durable PostgreSQL, a real broker, every service), waits `--warm` seconds for start-up work to
 * end, then reads, over `--seconds`, the CPU each service, PostgreSQL and the broker spend on
 * their own (polls, heartbeats, timers), and each service's resident memory (RSS, and PSS, which
 * counts the shared `deno` binary once). Figures, not assertions; also written to
 * `.results/bench_rest.json`.
 *
 *     deno task bench:rest [--warm 15] [--seconds 30]
 *
 * @module
 */
import { catalog } from "../../services/catalog.ts";
import { numberArg } from "./_util.ts";
import { cpuTicks, memoryMb, pidsNamed, pssMb } from "./process_stats.ts";
import { writeResult } from "./report.ts";
import { startBenchSystem } from "./system.ts";

const WARM_SECONDS = numberArg("warm", 15);
const SECONDS = numberArg("seconds", 30);
/** Clock ticks per second of `/proc/<pid>/stat`. */
const TICKS_PER_SECOND = 100;

/** One process group's cost at rest. */
interface RestLine {
  process: string;
  /** CPU in ms per second of wall time (10 = 1 % of one core). */
  cpuMsPerSecond: number;
  rssMb?: number;
  pssMb?: number;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

const bench = await startBenchSystem({ databases: [] });
try {
  await sleep(WARM_SECONDS * 1000);
  const services = catalog.services.map((s) => s.name);
  const groups: [string, () => number[]][] = [
    ...services.map((name): [string, () => number[]] => [name, () => {
      const pid = bench.system.pid(name);
      return pid ? [pid] : [];
    }]),
    ["PostgreSQL", () => pidsNamed("postgres")],
    ["Kafka broker", () => pidsNamed("java")],
  ];
  // Backends that start or end during the window are counted while they live.
  const ticks = (pids: number[]) => pids.reduce((sum, pid) => sum + cpuTicks(pid), 0);
  const before = groups.map(([, pids]) => new Map(pids().map((pid) => [pid, cpuTicks(pid)])));
  const started = performance.now();
  await sleep(SECONDS * 1000);
  const seconds = (performance.now() - started) / 1000;
  const lines: RestLine[] = groups.map(([name, pids], i) => {
    const now = pids();
    const spent = ticks(now) - now.reduce((sum, pid) => sum + (before[i]!.get(pid) ?? 0), 0);
    const pid = services.includes(name) ? bench.system.pid(name) : undefined;
    return {
      process: name,
      cpuMsPerSecond: Math.round(spent * 1000 / TICKS_PER_SECOND / seconds * 10) / 10,
      ...(pid && { rssMb: memoryMb(pid, "VmRSS"), pssMb: pssMb(pid) }),
    };
  });
  const own = lines.filter((line) => services.includes(line.process));
  const sum = (pick: (line: RestLine) => number) =>
    Math.round(own.reduce((total, line) => total + pick(line), 0) * 10) / 10;
  const total = {
    servicesCpuMsPerSecond: sum((line) => line.cpuMsPerSecond),
    allCpuMsPerSecond: Math.round(lines.reduce((t, line) => t + line.cpuMsPerSecond, 0) * 10) /
      10,
    servicesRssMb: sum((line) => line.rssMb ?? 0),
    servicesPssMb: sum((line) => line.pssMb ?? 0),
  };
  console.log(`### At rest: ${SECONDS} s after ${WARM_SECONDS} s of quiet\n`);
  console.log("| process | CPU, ms per second | RSS MB | PSS MB |");
  console.log("|---|---|---|---|");
  for (const line of lines) {
    console.log(
      `| ${line.process} | ${line.cpuMsPerSecond} | ${line.rssMb ?? "—"} | ${line.pssMb ?? "—"} |`,
    );
  }
  console.log(
    `| the ${own.length} services | ${total.servicesCpuMsPerSecond} | ${total.servicesRssMb} | ` +
      `${total.servicesPssMb} |`,
  );
  console.log(`| all | ${total.allCpuMsPerSecond} | | |`);
  await writeResult("bench_rest.json", {
    date: new Date().toISOString(),
    warmSeconds: WARM_SECONDS,
    seconds: SECONDS,
    lines,
    total,
  });
} finally {
  await bench.stop();
}
