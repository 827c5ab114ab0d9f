/**
 * Every service of the catalog in one process, each in an isolate of its own: what
 * `deno task dev --one-process` and the bench's `--one-process` run instead of a process per
 * service. Nine processes hold nine copies of the runtime (about 50 MB each of binary, allocator
 * and runtime threads) and each their own V8 heaps; one holds them once. Each service keeps its own
 * environment, ports, connections, heap limits and restarts (`hostServices`).
 *
 * It reads what each service's process would have been given, as one JSON object on standard
 * input, `{"services": {"<name>": {"<VARIABLE>": "<value>", …}, …}}` (the launcher's wiring: its
 * secrets stay off the command line and out of `/proc/<pid>/environ`), and adds it to this
 * process's environment for each service. Start it as `oneProcessLaunch` (`@pms/topology`) says.
 * SIGTERM, SIGINT or SIGHUP stops every service, then the process.
 *
 * What this gives up against a process per service: the isolates share one process's permissions
 * (the union of theirs) and its fate, so a crash of the runtime itself, below JavaScript, stops
 * them all. Deployments (compose, ECS) keep a container per service.
 *
 * @module
 */
// Only what hosting needs, so that the process's own isolate stays small (zod, the catalog's
// schema and the config loader are each service's, in its own isolate): about 16 MB less.
import { hostServices } from "@pms/service/host";
import { shutdownOnSignal } from "@pms/http/shutdown-on-signal";
import { Logger, type LogLevel } from "@pms/log";
import { heapLimits } from "@pms/topology/heap-limits";
import { serviceV8Flags } from "@pms/topology/service-v8-flags";
import catalog from "./catalog.json" with { type: "json" };

const LEVELS: LogLevel[] = ["debug", "info", "warn", "error"];

/** The services' environments on standard input, or the reason they are not. */
function readInput(text: string): Record<string, Record<string, string>> | string {
  let input: unknown;
  try {
    input = JSON.parse(text);
  } catch {
    return "is not JSON";
  }
  const services = (input as { services?: unknown } | null)?.services;
  if (typeof services !== "object" || services === null || Array.isArray(services)) {
    return "has no services object";
  }
  for (const [name, env] of Object.entries(services)) {
    if (!catalog.services.some((s) => s.name === name)) {
      return `names ${name}, no service of the catalog`;
    }
    if (
      typeof env !== "object" || env === null ||
      !Object.values(env).every((value) => typeof value === "string")
    ) {
      return `gives ${name} an environment that is not an object of strings`;
    }
  }
  return services as Record<string, Record<string, string>>;
}

const level = (Deno.env.get("LOG_LEVEL") || "info") as LogLevel;
const logger = new Logger({
  service: "one-process",
  level: LEVELS.includes(level) ? level : "info",
});
if (!LEVELS.includes(level)) {
  logger.error(`LOG_LEVEL must be one of ${LEVELS.join(", ")}`, { variables: ["LOG_LEVEL"] });
  Deno.exit(1);
}
const input = readInput(await new Response(Deno.stdin.readable).text());
if (typeof input === "string") {
  logger.error(`standard input ${input}`);
  Deno.exit(1);
}
const own = Deno.env.toObject();
const host = await hostServices(
  // In the catalog's order, so the isolates' threads are numbered as the catalog lists them.
  catalog.services.filter((s) => input[s.name]).map((spec) => {
    const wiring = input[spec.name]!;
    return {
      name: spec.name,
      module: new URL(`./${spec.name}/service.ts`, import.meta.url),
      env: { ...own, ...wiring },
      // The service's own flags, never this process's: those carry no heap limits.
      heapLimits: heapLimits(wiring.DENO_V8_FLAGS ?? serviceV8Flags(catalog, spec)),
    };
  }),
  { logger },
).catch((error) => {
  logger.error("a service failed to start", { err: error });
  Deno.exit(1);
});
logger.info("serving", { services: Object.keys(input) });
shutdownOnSignal(logger, () => host.stop());
