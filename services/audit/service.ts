import { type AuditRecord, groupCommit } from "@pms/audit";
import { exitOnConfigError } from "@pms/config";
import { defineService } from "@pms/service";
import { topology } from "../catalog.ts";
import { mountAuditRoutes } from "./app.ts";
import { loadAuditConfig } from "./config.ts";
import { storeAuditRecords } from "./consumers/store_audit_records.ts";
import { decodeAuditRecord } from "./domain/audit_record_schema.ts";
import { createCheckpointEvidence } from "./domain/checkpoint_evidence.ts";
import { loadCheckpointKeys } from "./domain/checkpoint_keys.ts";
import { createAuditStore } from "./store/audit_store.ts";
import { readChainAt } from "./store/chain_at.ts";
import { createBreakGlassStore } from "./store/break_glass_store.ts";
import { checkpointFile } from "./store/checkpoint_file.ts";
import { createCheckpointLog } from "./store/checkpoint_log.ts";
import { checkpointTopic } from "./store/checkpoint_topic.ts";
import { createCheckpointer } from "./workers/checkpointer.ts";
import { createRetentionWorker } from "./workers/retention.ts";

/**
 * The audit service: stores every service's records from topic `audit` once each, numbered and
 * hash-chained in arrival order, and answers who did what to which patient. Its own reads are
 * appended to the chain directly, before they are answered. The chain's head is signed now and
 * then with a key the database never sees, and the checkpoints are kept outside the database
 * (topic `audit.checkpoints`, optionally a file): `verify` holds the chain against them.
 */
export const audit = defineService({
  topology: topology("audit"),
  title: "Audit Service API",
  migrations: new URL("./migrations", import.meta.url),
  config: loadAuditConfig,
  async setup({ config, db, kafka, logger }) {
    const keys = await loadCheckpointKeys({
      key: config.AUDIT_CHECKPOINT_KEY,
      publicKeys: config.AUDIT_CHECKPOINT_PUBLIC_KEYS,
      appEnv: config.APP_ENV,
    }).catch((error) => exitOnConfigError("audit", error));
    logger.info("checkpoint signing key", { keyId: keys.keyId, publicJwk: keys.publicJwk });
    if (keys.generated) {
      logger.warn(
        "checkpoint key generated at start: its checkpoints fail verification after a restart " +
          "(set AUDIT_CHECKPOINT_KEY)",
      );
    }
    if (!kafka && !config.AUDIT_CHECKPOINT_FILE) {
      logger.warn(
        "checkpoints are kept in memory only (set KAFKA_BROKERS or AUDIT_CHECKPOINT_FILE)",
      );
    }
    const log = createCheckpointLog(keys.verifying);
    const checkpointer = createCheckpointer({
      keys,
      log,
      every: config.AUDIT_CHECKPOINT_EVERY,
      seconds: config.AUDIT_CHECKPOINT_SECONDS,
      file: config.AUDIT_CHECKPOINT_FILE ? checkpointFile(config.AUDIT_CHECKPOINT_FILE) : undefined,
      topic: kafka && checkpointTopic({ kafka, topic: config.AUDIT_CHECKPOINTS_TOPIC, logger }),
      logger,
    });
    const evidence = createCheckpointEvidence({
      checkpoints: () => log.checked(),
      head: () => checkpointer.head(),
      loaded: () => checkpointer.loaded(),
      chainAt: (seqs) => readChainAt(db.sql, seqs),
    });
    return {
      // The chain's one appender tells the checkpointer each new head once it is committed.
      store: createAuditStore(db.sql, {
        onAppended: (head) => checkpointer.appended(head),
        onHeadBehind: (stored, committed) =>
          logger.error("audit chain head is behind the records this service stored", {
            storedSeq: stored?.seq ?? null,
            committedSeq: committed.seq,
          }),
      }),
      breakGlass: createBreakGlassStore(db.sql),
      paging: { defaultSize: config.PAGE_SIZE_DEFAULT, maxSize: config.PAGE_SIZE_MAX },
      checkpointer,
      checkpoints: { page: log.page, check: evidence.check },
    };
  },
  routes: mountAuditRoutes,
  audit: {
    recorder: ({ store }) => ({
      record: groupCommit<AuditRecord>(async (records) => void await store.append(records)),
    }),
  },
  workers: ({ config, store, logger, checkpointer }) => [
    // First to start (checkpoints read back before records are consumed), last to stop (the
    // records stored until then get their checkpoint).
    checkpointer,
    ...(config.AUDIT_RETENTION_DAYS > 0
      ? [createRetentionWorker({
        store,
        days: config.AUDIT_RETENTION_DAYS,
        ownerUrl: config.DATABASE_OWNER_URL,
        logger,
      })]
      : []),
  ],
  consumers: ({ config, store }) => [{
    topic: config.AUDIT_TOPIC,
    group: config.AUDIT_GROUP_ID,
    decode: decodeAuditRecord,
    idOf: (record: AuditRecord) => record.id,
    // Every service's reads arrive here: larger fetches, fewer chain transactions.
    fetch: { minBytes: 256 * 1024, maxWaitMs: 250 },
    handleBatch: storeAuditRecords(store),
  }],
});
