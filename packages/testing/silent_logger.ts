import { Logger } from "@pms/log";

/** A logger that writes nothing, for unit tests. */
export function silentLogger(): Logger {
  return new Logger({ service: "test", write: () => {} });
}
