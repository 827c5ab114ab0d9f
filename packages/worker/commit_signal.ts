/** Something that runs a round of its queue on demand. */
interface Wakeable {
  wake(): void;
}

const waiting = new Map<string, Set<Wakeable>>();

/**
 * Says, in this process, that a transaction which queued work on each of `channels` has
 * committed: every worker registered on a channel with {@linkcode wakeOnCommit} runs a round at
 * once. Call it after the commit (a wake before it finds nothing yet); other instances find the
 * work at their next poll.
 *
 * Why not `pg_notify`: PostgreSQL serialises notifying commits under one global lock, so under
 * load they stop sharing WAL flushes; an in-process wake costs nothing in the commit.
 */
export function signalCommit(...channels: string[]): void {
  for (const channel of channels) {
    for (const worker of waiting.get(channel) ?? []) worker.wake();
  }
}

/**
 * Registers each worker on its channel while started, so that {@linkcode signalCommit} in this
 * process wakes it; polling stays the way work queued by other instances is found.
 */
export function wakeOnCommit(
  channels: Record<string, Wakeable>,
): { start(): Promise<void>; stop(): Promise<void> } {
  const entries = Object.entries(channels);
  return {
    start() {
      for (const [channel, worker] of entries) {
        let set = waiting.get(channel);
        if (!set) waiting.set(channel, set = new Set());
        set.add(worker);
      }
      return Promise.resolve();
    },
    stop() {
      for (const [channel, worker] of entries) waiting.get(channel)?.delete(worker);
      return Promise.resolve();
    },
  };
}
