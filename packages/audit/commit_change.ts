import type { Sql, Tx } from "@pms/db";
import { signalCommit } from "@pms/worker";
import type { AuditRecord } from "./audit_record.ts";
import { AUDIT_CHANNEL, insertAuditRecords } from "./audit_outbox.ts";

/** What a change's transaction can do besides its own writes. */
export interface ChangeScope {
  tx: Tx;
  /** Wake, after the commit, the workers of `channel` (an outbox's relay, a dispatcher). */
  wake(channel: string): void;
  /**
   * Queue the request's audit `record` (when the route is audited) naming `patientIds`, with
   * `details` added, to commit with the change.
   */
  audit(
    record: AuditRecord | undefined,
    patientIds: string[],
    details: Record<string, unknown>,
  ): Promise<void>;
}

/**
 * Runs `work` in one transaction (the change, its outbox rows and its audit record commit or roll
 * back together) and, once it has committed, wakes in this process the workers of what it queued.
 */
export async function commitChange<T>(
  sql: Sql,
  work: (scope: ChangeScope) => Promise<T>,
): Promise<T> {
  const channels = new Set<string>();
  const result = await sql.begin((tx) =>
    work({
      tx,
      wake: (channel) => channels.add(channel),
      async audit(record, patientIds, details) {
        if (!record) return;
        await insertAuditRecords(tx, [{
          ...record,
          patientIds,
          details: { ...record.details, ...details },
        }]);
        channels.add(AUDIT_CHANNEL);
      },
    })
  ) as T;
  signalCommit(...channels);
  return result;
}
