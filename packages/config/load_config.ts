import { z } from "zod";
import { ConfigError } from "./config_error.ts";
import { recordProbedShape } from "./config_probe.ts";

/**
 * Validates environment variables against a zod object schema whose keys are the variable names.
 * Empty strings count as unset, so a default applies to `PORT=` as it does to a missing `PORT`.
 * Each variable's meaning is its schema's `.describe()` text: the configuration reference
 * (`docs/configuration.md`, `deno task docs`) is generated from these shapes.
 *
 * @example
 * ```ts
 * import { env, loadConfig } from "@pms/config";
 * const config = loadConfig({ PORT: env.port(8080) }, { PORT: "8081" });
 * // config.PORT === 8081
 * ```
 *
 * @throws {ConfigError} naming every variable that is invalid.
 */
export function loadConfig<S extends z.ZodRawShape>(
  shape: S,
  source: Record<string, string | undefined> = Deno.env.toObject(),
): z.infer<z.ZodObject<S>> {
  recordProbedShape(source, shape);
  const input: Record<string, string> = {};
  for (const key of Object.keys(shape)) {
    const value = source[key];
    if (value !== undefined && value.trim() !== "") input[key] = value.trim();
  }
  const result = z.object(shape).safeParse(input);
  if (result.success) return result.data;
  throw new ConfigError(
    result.error.issues.map((issue) => ({
      variable: String(issue.path[0] ?? "(unknown)"),
      message: issue.message,
    })),
  );
}
