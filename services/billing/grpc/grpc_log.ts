import * as grpc from "@grpc/grpc-js";
import type { Logger } from "@pms/log";

/**
 * Sends `@grpc/grpc-js`'s own messages (it prints to the console by default) to `logger` as
 * JSON lines. The library logger is process-wide: call this once, from `main.ts`.
 */
export function routeGrpcLogs(logger: Logger): void {
  const line = (level: "debug" | "info" | "error") => (...args: unknown[]) =>
    logger[level === "error" ? "warn" : level]("grpc-js", { detail: args.map(String).join(" ") });
  grpc.setLogger({ debug: line("debug"), info: line("info"), error: line("error") });
}
