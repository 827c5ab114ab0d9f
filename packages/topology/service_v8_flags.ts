import type { Catalog, ServiceTopology } from "./service_topology.ts";

/**
 * A service's `DENO_V8_FLAGS`: the catalog's `v8Flags`, then the service's own, so that a flag the
 * service sets replaces the catalog's (V8 keeps the last value of a flag).
 */
export function serviceV8Flags(
  catalog: Pick<Catalog, "v8Flags">,
  spec: Pick<ServiceTopology, "v8Flags">,
): string {
  return spec.v8Flags ? `${catalog.v8Flags},${spec.v8Flags}` : catalog.v8Flags;
}
