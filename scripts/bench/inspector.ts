/**
 * CPU profiles and heap sizes of running services over the V8 inspector protocol (Deno 2.9 has
 * no `--cpu-prof`): a service started with `--inspect=127.0.0.1:<port>` is sampled for a while, and
 * the profile is summarised by self time per function and per package, which is what to write
 * down before changing code. The raw `.cpuprofile` opens in
 * Chrome DevTools.
 *
 * @module
 */

/** Where a profile's sample or allocation was taken: the function, its file and line (0-based). */
interface CallFrame {
  functionName: string;
  url: string;
  lineNumber: number;
}

/** A V8 CPU profile (`Profiler.stop`'s result), the fields read here. */
export interface CpuProfile {
  nodes: {
    id: number;
    callFrame: CallFrame;
    children?: number[];
  }[];
  startTime: number;
  endTime: number;
  samples: number[];
  timeDeltas: number[];
}

/** One line of a summary: a function or a package and its share of the samples. */
export interface ProfileLine {
  name: string;
  /** Share of all samples, in percent. */
  percent: number;
}

/** A connection to a process's V8 inspector: send a command, close. */
interface InspectorSession {
  send(method: string, params?: Record<string, unknown>): Promise<unknown>;
  close(): void;
}

/** Opens a session on the inspector listening on `port` (`--inspect=127.0.0.1:<port>`). */
async function openInspector(port: number): Promise<InspectorSession> {
  const list = await (await fetch(`http://127.0.0.1:${port}/json/list`)).json();
  const ws = new WebSocket(list[0].webSocketDebuggerUrl);
  await new Promise((resolve, reject) => {
    ws.onopen = resolve;
    ws.onerror = reject;
  });
  let next = 1;
  let closed = false;
  const waiting = new Map<number, { resolve: (result: unknown) => void; reject: () => void }>();
  ws.onmessage = (e) => {
    const message = JSON.parse(e.data);
    waiting.get(message.id)?.resolve(message.result);
    waiting.delete(message.id);
  };
  // A process that dies (and is started again) mid-run never answers: fail, do not hang.
  ws.onclose = () => {
    closed = true;
    for (const { reject } of waiting.values()) reject();
    waiting.clear();
  };
  const gone = () => new Error(`the process inspected on port ${port} went away`);
  return {
    send: (method, params = {}) =>
      new Promise<unknown>((resolve, reject) => {
        if (closed) return reject(gone());
        const id = next++;
        waiting.set(id, { resolve, reject: () => reject(gone()) });
        ws.send(JSON.stringify({ id, method, params }));
      }),
    close: () => ws.close(),
  };
}

/**
 * Starts sampling the process whose inspector listens on `port` and returns a function that
 * stops and returns the profile.
 */
export function startCpuProfile(
  port: number,
  intervalUs = 250,
): Promise<() => Promise<CpuProfile>> {
  return startSampling<CpuProfile>(port, [
    ["Profiler.enable"],
    ["Profiler.setSamplingInterval", { interval: intervalUs }],
    ["Profiler.start"],
  ], "Profiler.stop");
}

/**
 * Opens a session on the inspector at `port`, sends the `start` commands in order, and returns a
 * function that sends `stop`, closes the session and returns the `profile` of its result.
 */
async function startSampling<P>(
  port: number,
  start: [method: string, params?: Record<string, unknown>][],
  stop: string,
): Promise<() => Promise<P>> {
  const session = await openInspector(port);
  for (const [method, params] of start) await session.send(method, params);
  return async () => {
    const result = await session.send(stop) as { profile: P };
    session.close();
    return result.profile;
  };
}

/** A V8 sampling heap profile (`HeapProfiler.stopSampling`'s result), the fields read here. */
export interface AllocationProfile {
  head: AllocationNode;
}

/** One call site of an allocation profile: what it allocated itself, and its callees. */
interface AllocationNode {
  callFrame: CallFrame;
  selfSize: number;
  children: AllocationNode[];
}

/**
 * Starts V8's sampling heap profiler (one sample per `intervalBytes` allocated, on average) in
 * the process whose inspector listens on `port` and returns a function that stops it and returns
 * the profile. Objects collected since are kept in it (`includeObjectsCollectedByMajorGC` and
 * `…MinorGC`): the question is what a request allocates, not what it keeps.
 */
export function startAllocationProfile(
  port: number,
  intervalBytes = 16_384,
): Promise<() => Promise<AllocationProfile>> {
  return startSampling<AllocationProfile>(port, [
    ["HeapProfiler.enable"],
    ["HeapProfiler.startSampling", {
      samplingInterval: intervalBytes,
      includeObjectsCollectedByMajorGC: true,
      includeObjectsCollectedByMinorGC: true,
    }],
  ], "HeapProfiler.stopSampling");
}

/** One line of an allocation summary: a function or a package and the bytes it allocated. */
export interface AllocationLine {
  name: string;
  /** Bytes allocated, per request. */
  bytesPerRequest: number;
}

/**
 * The profile's allocations by function (`by: "function"`) or by package (`by: "area"`), per
 * request (`requests` served while it sampled), the `top` largest first.
 */
export function summarizeAllocations(
  profile: AllocationProfile,
  by: "function" | "area",
  requests: number,
  top = 15,
): AllocationLine[] {
  const bytes = new Map<string, number>();
  const visit = (node: AllocationNode) => {
    const key = frameKey(node.callFrame, by);
    if (node.selfSize > 0) bytes.set(key, (bytes.get(key) ?? 0) + node.selfSize);
    for (const child of node.children) visit(child);
  };
  visit(profile.head);
  return [...bytes.entries()]
    .sort((a, b) => b[1] - a[1])
    .slice(0, top)
    .map(([name, n]) => ({ name, bytesPerRequest: Math.round(n / Math.max(1, requests)) }));
}

/** The V8 heap of the process whose inspector listens on `port`: used and reserved, in MB. */
export async function heapUsageMb(port: number): Promise<{ used: number; total: number }> {
  const session = await openInspector(port);
  try {
    const usage = await session.send("Runtime.getHeapUsage") as {
      usedSize: number;
      totalSize: number;
    };
    const mb = (bytes: number) => Math.round(bytes / 1024 / 1024);
    return { used: mb(usage.usedSize), total: mb(usage.totalSize) };
  } finally {
    session.close();
  }
}

/** Where a frame's code comes from: an npm package, a workspace folder, or V8/Deno itself. */
function area(url: string, functionName: string): string {
  const npm = url.match(/registry\.npmjs\.org\/((?:@[^/]+\/)?[^/]+)/);
  if (npm) return `npm:${npm[1]}`;
  const local = url.match(/\/(packages\/[^/]+(?:\/vendor\/[^/]+)?|services\/[^/]+)\//);
  if (local) return local[1]!;
  if (url.startsWith("ext:")) return `deno:${url.slice(4).split("/")[0]}`;
  if (functionName === "(garbage collector)") return "(gc)";
  if (functionName === "(idle)" || functionName === "(program)") return functionName;
  return url ? url : `(native) ${functionName}`;
}

/** What a summary adds a frame to: its package (`"area"`), or its function, file and line. */
function frameKey(
  frame: CallFrame,
  by: "function" | "area",
): string {
  if (by === "area") return area(frame.url, frame.functionName);
  const file = frame.url.split("/").slice(-1)[0];
  return `${frame.functionName || "(anonymous)"} ${file}:${frame.lineNumber + 1}`;
}

/**
 * The profile's self time by function (`by: "function"`) or by package (`by: "area"`), the
 * `top` largest first, idle time left out of the shares.
 */
export function summarizeProfile(
  profile: CpuProfile,
  by: "function" | "area",
  top = 15,
): ProfileLine[] {
  const nodes = new Map(profile.nodes.map((n) => [n.id, n]));
  const counts = new Map<string, number>();
  let busy = 0;
  for (const id of profile.samples) {
    const frame = nodes.get(id)?.callFrame;
    if (!frame || frame.functionName === "(idle)") continue;
    busy++;
    const key = frameKey(frame, by);
    counts.set(key, (counts.get(key) ?? 0) + 1);
  }
  return [...counts.entries()]
    .sort((a, b) => b[1] - a[1])
    .slice(0, top)
    .map(([name, n]) => ({ name, percent: Math.round((1000 * n) / Math.max(1, busy)) / 10 }));
}
