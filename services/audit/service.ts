import { type AuditRecord, groupCommit } from "@pms/audit";
import { defineService } from "@pms/service";
import { topology } from "../catalog.ts";
import { AUDIT_ACTIONS, mountAuditRoutes } from "./app.ts";
import { loadAuditConfig } from "./config.ts";
import { storeAuditRecords } from "./consumers/store_audit_records.ts";
import { decodeAuditRecord } from "./domain/audit_record_schema.ts";
import { createAuditStore } from "./store/audit_store.ts";
import { createRetentionWorker } from "./workers/retention.ts";

/**
 * The audit service: stores every service's records from topic `audit` once each, numbered and
 * hash-chained in arrival order, and answers who did what to which patient. Its own reads are
 * appended to the chain directly, before they are answered.
 */
export const audit = defineService({
  topology: topology("audit"),
  title: "Audit Service API",
  migrations: new URL("./migrations", import.meta.url),
  config: loadAuditConfig,
  setup({ config, db }) {
    return {
      store: createAuditStore(db.sql),
      paging: { defaultSize: config.PAGE_SIZE_DEFAULT, maxSize: config.PAGE_SIZE_MAX },
    };
  },
  routes: mountAuditRoutes,
  audit: {
    actions: AUDIT_ACTIONS,
    recorder: ({ store }) => ({
      record: groupCommit<AuditRecord>(async (records) => void await store.append(records)),
    }),
  },
  workers: ({ config, store, logger }) =>
    config.AUDIT_RETENTION_DAYS > 0
      ? [createRetentionWorker({
        store,
        days: config.AUDIT_RETENTION_DAYS,
        ownerUrl: config.DATABASE_OWNER_URL,
        logger,
      })]
      : [],
  consumers: ({ config, store }) => [{
    topic: config.AUDIT_TOPIC,
    group: config.KAFKA_GROUP_ID,
    decode: decodeAuditRecord,
    idOf: (record: AuditRecord) => record.id,
    // Every service's reads arrive here: larger fetches, fewer chain transactions.
    fetch: { minBytes: 256 * 1024, maxWaitMs: 250 },
    handleBatch: storeAuditRecords(store),
  }],
});
