/**
 * CPU and memory of processes and of the whole machine, read from `/proc` (Linux): what each
 * service, PostgreSQL and Kafka spent during a run, and the services' resident memory.
 *
 * @module
 */

/** Clock ticks per second of `/proc/<pid>/stat` (USER_HZ). */
const TICKS_PER_SECOND = 100;

/**
 * What CPU is read of: a process id, or one thread of a process as its path under `/proc`
 * (`<pid>/task/<tid>`; `/proc/<tid>/stat` would give the whole process's).
 */
export type Proc = number | string;

/** CPU ticks (user + system) of a process or thread, from /proc; 0 when it is unknown or gone. */
export function cpuTicks(pid: Proc | undefined): number {
  if (!pid) return 0;
  try {
    const stat = Deno.readTextFileSync(`/proc/${pid}/stat`);
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    return Number(fields[11]) + Number(fields[12]);
  } catch {
    return 0;
  }
}

/** The CPU ticks of `pids` together (see {@linkcode cpuTicks}). */
function totalTicks(pids: Proc[]): number {
  return pids.reduce((t: number, p) => t + cpuTicks(p), 0);
}

/**
 * A field of /proc/<pid>/status in MB (VmRSS: resident now, VmHWM: resident at most, RssFile:
 * the resident pages of mapped files, the `deno` binary above all).
 */
export function memoryMb(
  pid: number | undefined,
  field: "VmRSS" | "VmHWM" | "RssFile",
): number {
  if (!pid) return 0;
  try {
    const status = Deno.readTextFileSync(`/proc/${pid}/status`);
    const kb = Number(new RegExp(`${field}:\\s+(\\d+)`).exec(status)?.[1] ?? 0);
    return Math.round(kb / 1024);
  } catch {
    return 0;
  }
}

/**
 * A process's proportional set size in MB (`Pss` of /proc/<pid>/smaps_rollup): its resident
 * pages, each shared page divided by the number of processes mapping it. Seven Deno processes
 * share one `deno` binary: RSS counts its pages (about 45 MB) seven times, PSS once in all.
 */
export function pssMb(pid: number | undefined): number {
  if (!pid) return 0;
  try {
    const rollup = Deno.readTextFileSync(`/proc/${pid}/smaps_rollup`);
    return Math.round(Number(/^Pss:\s+(\d+)/m.exec(rollup)?.[1] ?? 0) / 1024);
  } catch {
    return 0;
  }
}

/**
 * The threads of the process that runs every service (`deno task dev --one-process`), by
 * service: each service's isolate runs on a thread of its own, named `worker-<n>` for the n-th
 * the process started (in `names`' order, the catalog's; one started again after a crash gets a
 * later number, and its CPU then counts as shared). The process's other threads (its main
 * isolate, V8's helpers, the runtime's) are `shared threads`.
 */
export function serviceThreads(pid: number, names: string[]): Record<string, Proc[]> {
  const threads: Record<string, Proc[]> = { "shared threads": [] };
  try {
    for (const task of Deno.readDirSync(`/proc/${pid}/task`)) {
      const path = `${pid}/task/${task.name}`;
      let name: string | undefined;
      try {
        const number = /^worker-(\d+)$/.exec(Deno.readTextFileSync(`/proc/${path}/comm`).trim());
        name = number ? names[Number(number[1]) - 1] : undefined;
      } catch {
        continue; // ended while listed
      }
      (threads[name ?? "shared threads"] ??= []).push(path);
    }
  } catch { /* the process is gone */ }
  return threads;
}

/** Process ids whose command name is `name` (all PostgreSQL backends, the Kafka JVM). */
export function pidsNamed(name: string): number[] {
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

/**
 * The processes to measure, by name: each a list of pids (or threads), read once when measuring
 * starts.
 */
export type ProcessGroups = Record<string, Proc[]>;

/**
 * Starts measuring CPU: the returned function, called after `elapsedSeconds`, gives each group's
 * CPU in percent of one core and `machine`, all processes, in percent of one core (of
 * 100 × cores).
 */
export function measureCpu(
  groups: ProcessGroups,
): (elapsedSeconds: number) => Record<string, number> {
  const before = Object.fromEntries(
    Object.entries(groups).map(([n, pids]) => [n, totalTicks(pids)]),
  );
  const machineBefore = machineTicks();
  return (elapsed) => {
    const percent = (t: number) => Math.round(t / TICKS_PER_SECOND / elapsed * 100);
    const cpu = Object.fromEntries(
      Object.entries(groups).map(([n, pids]) => [n, percent(totalTicks(pids) - before[n]!)]),
    );
    const machineAfter = machineTicks();
    cpu.machine = Math.round(
      (machineAfter.busy - machineBefore.busy) / (machineAfter.total - machineBefore.total) * 100 *
        navigator.hardwareConcurrency,
    );
    return cpu;
  };
}

/** Options for {@linkcode waitUntilQuiet}. */
export interface QuietOptions {
  /** One look's length. */
  windowMs?: number;
  /** Quiet: the processes together spent less than this in a window, in percent of one core. */
  maxPercent?: number;
  /** Give up waiting after this long (and say so). */
  timeoutMs?: number;
}

/**
 * Waits until `pids` together are quiet: what a load left behind (events still consumed, billing
 * accounts still opened, audit records still stored) is done. Resolves with the milliseconds it
 * waited, and how busy the last window was (percent of one core); `quiet` false when they were
 * still busy at the timeout.
 */
export async function waitUntilQuiet(
  pids: Proc[],
  { windowMs = 1000, maxPercent = 10, timeoutMs = 60_000 }: QuietOptions = {},
): Promise<{ quiet: boolean; waitedMs: number; percent: number }> {
  const started = performance.now();
  let percent = Infinity;
  while (performance.now() - started < timeoutMs) {
    const before = totalTicks(pids);
    await new Promise((resolve) => setTimeout(resolve, windowMs));
    percent = Math.round((totalTicks(pids) - before) / TICKS_PER_SECOND / (windowMs / 1000) * 100);
    if (percent < maxPercent) break;
  }
  return {
    quiet: percent < maxPercent,
    waitedMs: Math.round(performance.now() - started),
    percent,
  };
}

/** The highest total resident memory of a set of processes, sampled while runs go on. */
export class RssPeak {
  #peakMb = 0;
  #peakPssMb = 0;
  #pids: () => (number | undefined)[];

  /** `pids` gives the processes to add up at each sample. */
  constructor(pids: () => (number | undefined)[]) {
    this.#pids = pids;
  }

  /** The highest total seen so far, in MB. */
  get peakMb(): number {
    return this.#peakMb;
  }

  /** The highest total PSS seen so far (shared pages counted once), in MB. */
  get peakPssMb(): number {
    return this.#peakPssMb;
  }

  /**
   * Samples every `intervalMs` until the returned function is called, which answers the highest
   * total RSS of those samples (MB; 0 when none was taken).
   */
  sample(intervalMs = 250): () => number {
    let windowMb = 0;
    const timer = setInterval(() => {
      // Every service's pid is the same one when they share a process: counted once.
      const pids = [...new Set(this.#pids())];
      const total = pids.reduce((sum: number, pid) => sum + memoryMb(pid, "VmRSS"), 0);
      windowMb = Math.max(windowMb, total);
      this.#peakMb = Math.max(this.#peakMb, total);
      const pss = pids.reduce((sum: number, pid) => sum + pssMb(pid), 0);
      this.#peakPssMb = Math.max(this.#peakPssMb, pss);
    }, intervalMs);
    return () => {
      clearInterval(timer);
      return windowMb;
    };
  }
}
