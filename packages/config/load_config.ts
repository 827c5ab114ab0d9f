import { z } from "zod";
import { ConfigError } from "./config_error.ts";
import { recordProbedShape } from "./config_probe.ts";
import { productionProblems } from "./production_guard.ts";

/**
 * Validates environment variables against a zod object schema whose keys are the variable names.
 * Empty strings count as unset, so a default applies to `PORT=` as it does to a missing `PORT`.
 * Each variable's meaning is its schema's `.describe()` text: the configuration reference
 * (`docs/configuration.md`, `deno task docs`) is generated from these shapes.
 *
 * With `APP_ENV=production` it also refuses development conveniences: demo data seeding and the
 * development signing key (see {@linkcode productionProblems}), so every service refuses them at
 * start in one place.
 *
 * @example
 * ```ts
 * import { env, loadConfig } from "@pms/config";
 * const config = loadConfig({ PORT: env.port(8080) }, { PORT: "8081" });
 * // config.PORT === 8081
 * ```
 *
 * @throws {ConfigError} naming every variable that is invalid or refused in production.
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
  if (result.success) {
    const refused = productionProblems(result.data, Object.keys(shape));
    if (refused.length > 0) throw new ConfigError(refused);
    return result.data;
  }
  throw new ConfigError(
    result.error.issues.map((issue) => ({
      variable: String(issue.path[0] ?? "(unknown)"),
      message: issue.message,
    })),
  );
}
