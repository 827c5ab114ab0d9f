import type { Sql } from "@pms/db";
import type { Logger } from "@pms/log";

/**
 * LISTENs on each channel and wakes its worker when a commit notifies it, so queued work leaves
 * at once instead of at the next poll. Polling stays the fallback when LISTEN is unavailable.
 */
export function wakeOnNotify(
  sql: Sql,
  logger: Logger,
  channels: Record<string, { wake(): void }>,
): { start(): Promise<void>; stop(): Promise<void> } {
  let listening: { unlisten(): Promise<void> }[] = [];
  return {
    async start() {
      listening = await Promise.all(
        Object.entries(channels).map(([channel, worker]) =>
          sql.listen(channel, () => worker.wake())
        ),
      ).catch((error) => {
        logger.warn("LISTEN unavailable; the outbox is polled only", { err: error });
        return [];
      });
    },
    async stop() {
      await Promise.all(listening.map((l) => l.unlisten().catch(() => {})));
    },
  };
}
