import { Logger } from "@pms/log";
import { ConfigError } from "./config_error.ts";

/**
 * Runs a service's config loader at start. On a {@linkcode ConfigError} it writes one JSON error
 * line naming the variables and exits with status 1; other errors propagate.
 */
export function loadOrExit<T>(service: string, load: () => T): T {
  try {
    return load();
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    new Logger({ service }).error(error.message, {
      variables: error.problems.map((p) => p.variable),
    });
    Deno.exit(1);
  }
}
