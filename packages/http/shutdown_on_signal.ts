import type { Logger } from "@pms/log";

const SIGNALS: Deno.Signal[] = ["SIGTERM", "SIGINT", "SIGHUP"];

/**
 * On the first SIGTERM or SIGINT, runs `close` (stop the server, drain, close pools), then exits
 * with 0, or with 1 when `close` fails or takes longer than `timeoutMs`.
 */
export function shutdownOnSignal(
  logger: Logger,
  close: () => Promise<void>,
  timeoutMs = 10_000,
): void {
  let closing = false;
  const onSignal = async (signal: Deno.Signal) => {
    if (closing) return;
    closing = true;
    logger.info("shutting down", { signal });
    const timer = setTimeout(() => {
      logger.error("shutdown timed out", { timeoutMs });
      Deno.exit(1);
    }, timeoutMs);
    try {
      await close();
      logger.info("stopped");
      clearTimeout(timer);
      Deno.exit(0);
    } catch (error) {
      logger.error("shutdown failed", { err: error });
      Deno.exit(1);
    }
  };
  for (const signal of SIGNALS) Deno.addSignalListener(signal, () => onSignal(signal));
}
