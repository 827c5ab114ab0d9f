import type { AuditRecord } from "@pms/audit";
import type { Sql } from "@pms/db";
import {
  deleteExportJob,
  exportFile,
  type ExportJob,
  exportOutputs,
  findExportJob,
  hasExportFile,
  insertExportJob,
} from "../store/export_store.ts";
import type { ExportRunner } from "./export_runner.ts";

/** FHIR Bulk Data export: kick-off, status, cancellation and the files. */
export interface ExportService {
  /** Whether a patient group exists (a group export's `404`). */
  groupExists(id: string): Promise<boolean>;
  /** Records a job and starts it; resolves with its id. */
  kickOff(request: {
    requestedBy: string;
    request: string;
    types: string[];
    since: Date | null;
    groupId: string | null;
    token: string;
    audit?: AuditRecord;
  }): Promise<string>;
  /** A job (undefined when unknown or expired) with its files' counts. */
  status(id: string): Promise<
    { job: ExportJob; outputs: { type: string; count: number }[] } | undefined
  >;
  /** Deletes a job and its files (a running one stops); false when unknown. */
  cancel(id: string): Promise<boolean>;
  /** A file's NDJSON parts, or undefined when there is no such file. */
  file(id: string, type: string): Promise<AsyncGenerator<string> | undefined>;
}

/** The export use cases on the patient service's database and its runner. */
export function createExportService(
  sql: Sql,
  runner: ExportRunner,
  options: { ttlHours: number },
): ExportService {
  return {
    async groupExists(id) {
      const [row] = await sql`select 1 from patient_groups where id = ${id}`;
      return row !== undefined;
    },
    async kickOff(request) {
      const id = crypto.randomUUID();
      await insertExportJob(sql, { id, ...request, ttlHours: options.ttlHours });
      runner.run({
        id,
        types: request.types,
        since: request.since,
        groupId: request.groupId,
        token: request.token,
        audit: request.audit,
      });
      return id;
    },
    async status(id) {
      const job = await findExportJob(sql, id);
      if (!job) return undefined;
      return { job, outputs: job.status === "RUNNING" ? [] : await exportOutputs(sql, id) };
    },
    cancel: (id) => deleteExportJob(sql, id),
    async file(id, type) {
      return await hasExportFile(sql, id, type) ? exportFile(sql, id, type) : undefined;
    },
  };
}
