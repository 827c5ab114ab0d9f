import type { Sql } from "@pms/db";
import type { AuditRecord } from "./audit_record.ts";
import { commitAuditRecords } from "./audit_outbox.ts";
import { groupCommit } from "./group_commit.ts";

/** Where a service's audit records are committed. */
export interface AuditRecorder {
  /**
   * Commits a record (a read's, a denial's, a failure's) and resolves once it is durable. Records
   * of concurrent requests share one insert (group commit).
   */
  record(record: AuditRecord): Promise<void>;
  /** Runs after each group commit with the outbox row it committed (the relay's wake). */
  onCommit?: (row: { id: string; lines: string }) => void;
}

/** The recorder of a service that keeps its records in its own outbox. */
export function createAuditRecorder(sql: Sql): AuditRecorder {
  const recorder: AuditRecorder = {
    record: groupCommit<AuditRecord>(async (records) => {
      // Committed first: an optional call would not evaluate its argument without a listener.
      const row = await commitAuditRecords(sql, records);
      recorder.onCommit?.(row);
    }),
  };
  return recorder;
}
