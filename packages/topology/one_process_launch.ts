import { HEAP_LIMIT_FLAG } from "./_util.ts";
import type { Catalog } from "./service_topology.ts";

/** How the process that hosts every service of a catalog is started. */
export interface OneProcessLaunch {
  /** The union of the services' permissions (each service keeps its own heap limits, not these). */
  permissions: string[];
  /** The process's environment: its V8 flags and its allocator's. */
  env: Record<string, string>;
  /**
   * Writes the services' environments to the started process's standard input (spawned with
   * `stdin: "piped"`) and closes it; a process that exits first says why by its status.
   */
  feed(child: Deno.ChildProcess): void;
}

/**
 * The launch of the one process that hosts every service as an isolate of its own (see
 * `services/one_process.ts`), with `services`, each service's environment by name, for its
 * standard input. V8's flags are the process's, so they hold the catalog's common flags only,
 * without its heap limits: V8 puts a limit set by a flag above an isolate's own
 * (`resourceLimits`), so a `--max-semi-space-size` there would give every isolate the same young
 * generation and its services' own limits would go unused. Each service's limits are its
 * isolate's (`heapLimits`). Two more settings are added, measured to bring that process's memory
 * down without costing CPU:
 *
 * - `--initial-old-space-size=32`: no isolate collects its old generation before it reaches 32 MB.
 *   Without it the busy isolates run full collections a default-sized heap calls for (about a
 *   third more CPU per list and get); with 64, as the patient service's own process has, the
 *   seven quiet isolates each hold up to 64 MB of garbage.
 * - `MALLOC_ARENA_MAX=2`: glibc's allocator keeps two arenas instead of eight per core for the
 *   process's threads (each isolate's thread and its runtime's).
 */
export function oneProcessLaunch(
  catalog: Catalog,
  services: Record<string, Record<string, string>>,
): OneProcessLaunch {
  const permissions = [...new Set(catalog.services.flatMap((s) => s.permissions))];
  const input = new TextEncoder().encode(JSON.stringify({ services }));
  return {
    permissions,
    env: {
      DENO_V8_FLAGS: [
        ...catalog.v8Flags.split(",").filter((f) => f && !HEAP_LIMIT_FLAG.test(f.trim())),
        "--initial-old-space-size=32",
      ].join(","),
      MALLOC_ARENA_MAX: "2",
    },
    feed(child) {
      const writer = child.stdin.getWriter();
      writer.write(input).then(() => writer.close()).catch(() => {});
    },
  };
}
