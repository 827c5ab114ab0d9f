import type { z } from "zod";

const probes = new WeakMap<object, z.ZodRawShape[]>();

/** What {@linkcode configProbe} hands out: a source to load from and the shapes it saw. */
export interface ConfigProbe {
  /** An empty environment to pass to a service's config loader. */
  readonly source: Record<string, string | undefined>;
  /** Every shape `loadConfig` was called with on {@linkcode ConfigProbe.source}, in call order. */
  readonly shapes: z.ZodRawShape[];
}

/**
 * An empty environment that records the shapes {@linkcode loadConfig} validates it against, so a
 * tool can list a service's variables, defaults and descriptions from the loader itself (the
 * configuration reference is generated this way). Loading from it behaves as an empty
 * environment: a required variable still throws.
 *
 * @example
 * ```ts
 * import { configProbe, env, loadConfig } from "@pms/config";
 * const probe = configProbe();
 * loadConfig({ PORT: env.port(8080).describe("HTTP port") }, probe.source);
 * // Object.keys(probe.shapes[0]!) → ["PORT"]
 * ```
 */
export function configProbe(): ConfigProbe {
  const source: Record<string, string | undefined> = {};
  const shapes: z.ZodRawShape[] = [];
  probes.set(source, shapes);
  return { source, shapes };
}

/** Records `shape` when `source` came from {@linkcode configProbe}. */
export function recordProbedShape(source: object, shape: z.ZodRawShape): void {
  probes.get(source)?.push(shape);
}
