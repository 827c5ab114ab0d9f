import type { Logger } from "@pms/log";
import { backoffDelay, worthLogging } from "@pms/retry";
import type { BackgroundWork } from "@pms/service";
import type { ChainHead } from "../domain/chain_head.ts";
import { signCheckpoint } from "../domain/sign_checkpoint.ts";
import type { CheckpointKeys } from "../domain/checkpoint_keys.ts";
import type { CheckpointFile } from "../store/checkpoint_file.ts";
import type { CheckpointLog } from "../store/checkpoint_log.ts";
import type { CheckpointTopic } from "../store/checkpoint_topic.ts";

// How long a stop waits for a checkpoint being written.
const STOP_WAIT_MS = 5_000;

/** Options for {@linkcode createCheckpointer}. */
export interface CheckpointerOptions {
  keys: Pick<CheckpointKeys, "keyId" | "privateKey">;
  log: CheckpointLog;
  /** A checkpoint once this many records were stored since the last one (`AUDIT_CHECKPOINT_EVERY`). */
  every: number;
  /** A stored record waits at most this long for its checkpoint (`AUDIT_CHECKPOINT_SECONDS`). */
  seconds: number;
  /** Where checkpoints are appended and read back at start (`AUDIT_CHECKPOINT_FILE`). */
  file?: CheckpointFile;
  /** Their topic (`audit.checkpoints`): published to, replayed at start and followed. */
  topic?: CheckpointTopic;
  logger: Logger;
  /** How long the start waits for the topic's replay before going on (default 30 s). */
  replayWaitMs?: number;
}

/** The checkpoint writer: background work the chain's appender tells about each append. */
export interface Checkpointer extends BackgroundWork {
  /** Called by the appender after each committed append with the chain's new head. */
  appended(head: ChainHead): void;
  /** The newest record this process appended (unknown until it appends one). */
  head(): ChainHead | undefined;
  /** Resolves once the known checkpoints were read back (file, topic) at start. */
  loaded(): Promise<void>;
}

/**
 * Signs a checkpoint of the chain's head when `every` records were stored since the newest
 * checkpoint, and `seconds` after the first record a checkpoint does not cover yet: every record
 * is under a signed checkpoint within `seconds`, and nothing is signed while nothing arrives. It
 * signs only heads this process appended itself (never one read back from the database). Each
 * checkpoint goes to the file and the topic; it counts as written when one of them took it (a
 * failure of both is retried with backoff, signing the head as it is then). At start it reads
 * back the file and replays the topic; at stop it signs the last records before closing.
 */
export function createCheckpointer(options: CheckpointerOptions): Checkpointer {
  const { keys, log, logger, file, topic } = options;
  const sinks = [
    ...(file ? [{ name: "file", write: file.append }] : []),
    ...(topic ? [{ name: "topic", write: topic.publish }] : []),
  ];
  let head: ChainHead | undefined;
  let written = 0;
  let timer: ReturnType<typeof setTimeout> | undefined;
  let writing: Promise<void> | undefined;
  let failures = 0;
  let ready = false;
  let stopped = false;
  let following: { stop(): Promise<void> } | undefined;
  let markLoaded!: () => void;
  const loaded = new Promise<void>((resolve) => markLoaded = resolve);

  const bounded = async (work: Promise<void> | undefined) => {
    let timeout: ReturnType<typeof setTimeout> | undefined;
    const late = new Promise<void>((resolve) => timeout = setTimeout(resolve, STOP_WAIT_MS));
    await Promise.race([work, late]);
    clearTimeout(timeout);
  };
  const covered = () => Math.max(written, log.newest()?.seq ?? 0);
  const clearTimer = () => {
    if (timer !== undefined) clearTimeout(timer);
    timer = undefined;
  };

  async function write(): Promise<void> {
    const checkpoint = await signCheckpoint(keys, head!);
    let stored = sinks.length === 0;
    const failed: { sink: string; err: unknown }[] = [];
    for (const sink of sinks) {
      try {
        await sink.write(checkpoint);
        stored = true;
      } catch (error) {
        failed.push({ sink: sink.name, err: error });
      }
    }
    if (!stored) throw new AggregateError(failed.map((f) => f.err), "no checkpoint sink took it");
    for (const f of failed) logger.warn("checkpoint not written to one of its places", f);
    await log.add(checkpoint);
    written = Math.max(written, checkpoint.seq);
    logger.debug("checkpoint signed", { seq: checkpoint.seq, keyId: checkpoint.keyId });
  }

  function run(): void {
    clearTimer();
    writing = write().then(
      () => void (failures = 0),
      (error) => {
        failures++;
        if (worthLogging(failures)) {
          logger.error("checkpoint could not be written; retrying", { err: error, failures });
        }
        if (!stopped) {
          timer = setTimeout(fire, backoffDelay(failures - 1, { baseMs: 1_000, maxMs: 30_000 }));
        }
      },
    ).finally(() => {
      writing = undefined;
      if (failures === 0) consider();
    });
  }

  function fire(): void {
    timer = undefined;
    if (!stopped && !writing && head && head.seq > covered()) run();
  }

  function consider(): void {
    if (stopped || !ready || !head || writing || failures > 0) return;
    const behind = head.seq - covered();
    if (behind <= 0) return clearTimer();
    if (behind >= options.every) return run();
    timer ??= setTimeout(fire, options.seconds * 1_000);
  }

  async function load(): Promise<void> {
    if (file) {
      const { checkpoints, skipped } = await file.read();
      for (const checkpoint of checkpoints) await log.add(checkpoint);
      if (skipped > 0) logger.warn("checkpoint file lines that are not checkpoints", { skipped });
    }
    if (topic) {
      const follow = await topic.follow((checkpoint) => log.add(checkpoint));
      following = follow;
      await follow.caughtUp;
    }
  }

  return {
    async start() {
      const wait = options.replayWaitMs ?? 30_000;
      let timeout: ReturnType<typeof setTimeout> | undefined;
      const late = new Promise<"late">((resolve) => timeout = setTimeout(resolve, wait, "late"));
      try {
        const outcome = await Promise.race([load().then(() => "loaded" as const), late]);
        if (outcome === "late") {
          logger.warn("checkpoints still being read back; going on", { waitedMs: wait });
        }
      } catch (error) {
        logger.error("checkpoints could not be read back", { err: error });
      } finally {
        clearTimeout(timeout);
      }
      ready = true;
      markLoaded();
      const newest = log.newest();
      logger.info("checkpoints ready", { newestSeq: newest?.seq ?? null, keyId: keys.keyId });
      consider();
    },
    async stop() {
      clearTimer();
      await bounded(writing);
      // The records stored since the last checkpoint get theirs before the service goes (within
      // a bound: a broker that is down does not hold the shutdown up).
      if (ready && !writing && failures === 0 && head && head.seq > covered()) {
        run();
        await bounded(writing);
      }
      stopped = true;
      clearTimer();
      await following?.stop();
      await topic?.close();
    },
    appended(next) {
      if (!head || next.seq > head.seq) head = next;
      consider();
    },
    head: () => head,
    loaded: () => loaded,
  };
}
