// deno-lint-ignore-file no-console
/**
 * `deno task bench:rest`: what the system costs when nobody uses it. It starts the bench's system
 * (durable PostgreSQL, a real broker, every service), waits `--warm` seconds for start-up work to
 * end, then reads, over `--seconds`, the CPU each service, PostgreSQL and the broker spend on
 * their own (polls, heartbeats, timers), and each service's resident memory (RSS, and PSS, which
 * counts the shared `deno` binary once). Figures, not assertions; also written to
 * `.results/bench_rest.json`.
 *
 *     deno task bench:rest [--warm 15] [--seconds 30] [--one-process]
 *
 * With `--one-process` every service runs in one process, each in an isolate of its own: each
 * service's CPU is its isolate's thread's, the process's other threads are a line of their own,
 * and the memory is the process's.
 *
 * @module
 */
import { catalog } from "../../services/catalog.ts";
import { numberArg } from "./_util.ts";
import { cpuTicks, memoryMb, pidsNamed, type Proc, pssMb } from "./process_stats.ts";
import { writeResult } from "./report.ts";
import { ONE_PROCESS, serviceProcs, startBenchSystem } from "./system.ts";

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

const bench = await startBenchSystem({ databases: [], oneProcess: ONE_PROCESS });
try {
  await sleep(WARM_SECONDS * 1000);
  const names = catalog.services.map((s) => s.name);
  const services = ONE_PROCESS ? [...names, "shared threads"] : names;
  const groupNames = [...services, "PostgreSQL", "Kafka broker"];
  /** Every group's processes (or threads), read at once: one look at each service's threads. */
  const groups = (): Record<string, Proc[]> => ({
    ...serviceProcs(bench.system, names),
    PostgreSQL: pidsNamed("postgres"),
    "Kafka broker": pidsNamed("java"),
  });
  // Backends that start or end during the window are counted while they live.
  const ticks = (pids: Proc[]) => pids.reduce((sum: number, pid) => sum + cpuTicks(pid), 0);
  const before = new Map(Object.values(groups()).flat().map((pid) => [pid, cpuTicks(pid)]));
  const started = performance.now();
  await sleep(SECONDS * 1000);
  const seconds = (performance.now() - started) / 1000;
  const after = groups();
  const lines: RestLine[] = groupNames.map((name) => {
    const now = after[name] ?? [];
    const spent = ticks(now) - now.reduce((sum: number, pid) => sum + (before.get(pid) ?? 0), 0);
    const pid = names.includes(name) && !ONE_PROCESS ? bench.system.pid(name) : undefined;
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
    // Sharing one process, the services' memory is that process's.
    servicesRssMb: ONE_PROCESS
      ? memoryMb(bench.system.pid(names[0]!), "VmRSS")
      : sum((line) => line.rssMb ?? 0),
    servicesPssMb: ONE_PROCESS
      ? pssMb(bench.system.pid(names[0]!))
      : sum((line) => line.pssMb ?? 0),
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
    `| the ${names.length} services | ${total.servicesCpuMsPerSecond} | ${total.servicesRssMb} | ` +
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
