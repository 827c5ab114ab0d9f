import { Logger } from "@pms/log";
import { ConfigError } from "./config_error.ts";

/**
 * For a {@linkcode ConfigError}: writes one JSON error line naming the variables and exits with
 * status 1. Any other error is thrown again.
 */
export function exitOnConfigError(service: string, error: unknown): never {
  if (!(error instanceof ConfigError)) throw error;
  new Logger({ service }).error(error.message, {
    variables: error.problems.map((p) => p.variable),
  });
  Deno.exit(1);
}

/** Runs a service's config loader at start; see {@linkcode exitOnConfigError}. */
export function loadOrExit<T>(service: string, load: () => T): T {
  try {
    return load();
  } catch (error) {
    exitOnConfigError(service, error);
  }
}
