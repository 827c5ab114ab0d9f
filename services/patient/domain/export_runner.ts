import type { AuditRecord } from "@pms/audit";
import { insertAuditRecords } from "@pms/audit";
import type { Sql } from "@pms/db";
import type { Logger } from "@pms/log";
import { signalCommit } from "@pms/worker";
import { AUDIT_CHANNEL } from "@pms/audit";
import { toFhirPatient } from "../fhir/fhir_patient.ts";
import type { RelatedSources } from "../fhir/related_resources.ts";
import {
  exportablePatients,
  failInterruptedJobs,
  findExportJob,
  finishExportJob,
  insertExportPart,
  setExportProgress,
} from "../store/export_store.ts";

/** A job as the runner takes it. */
export interface ExportRun {
  id: string;
  types: string[];
  since: Date | null;
  groupId: string | null;
  /** The requester's token: the other services' resources are read on their behalf. */
  token: string;
  /** The kick-off's audit record, the template of each part's disclosure. */
  audit?: AuditRecord;
}

/** Runs export jobs in this process, each in the background; stops with the service. */
export interface ExportRunner {
  /** Starts a job; its state is in the database from the first line on. */
  run(job: ExportRun): void;
  /** Marks jobs a stopped instance left running as failed. */
  start(): Promise<void>;
  /** Lets running jobs end their current part, then fails them as interrupted. */
  stop(): Promise<void>;
}

// Resources per NDJSON part, and patients read per round.
const PART = 1_000;
const PAGE = 100;
const ZERO_ID = "00000000-0000-0000-0000-000000000000";

/**
 * Writes a job's NDJSON files part by part, never holding more than one part of resources in
 * memory: the exportable patients (not deleted, merged, restricted or DATA_SHARING-denied; a
 * group's members for a group export) in id order, then the Appointments, Encounters and
 * Observations of those patients from the services that serve them (their FHIR searches, page
 * by page, with the requester's token). Each part commits with the disclosure records of the
 * patients it names for the first time (`patient.export`, split by the audit outbox past 1,000
 * patients). A cancelled job (deleted) stops at its next part.
 */
export function createExportRunner(options: {
  sql: Sql;
  logger: Logger;
  related: RelatedSources;
}): ExportRunner {
  const { sql, logger } = options;
  const running = new Set<Promise<void>>();
  let stopping = false;

  async function execute(job: ExportRun): Promise<void> {
    const disclosed = new Set<string>();
    const exportable = new Set<string>();
    const errors: { type: string; message: string }[] = [];
    const parts: Record<string, number> = {};
    let cancelled = false;
    const flush = async (type: string, lines: string[], patientIds: string[]) => {
      if (lines.length === 0) return;
      const fresh = patientIds.filter((id) => !disclosed.has(id));
      for (const id of fresh) disclosed.add(id);
      const part = parts[type] ?? 0;
      parts[type] = part + 1;
      await sql.begin(async (tx) => {
        await insertExportPart(tx, job.id, type, part, lines);
        if (job.audit && fresh.length > 0) {
          await insertAuditRecords(tx, [{
            ...job.audit,
            id: crypto.randomUUID(),
            time: new Date().toISOString(),
            action: "patient.export",
            outcome: "SUCCESS",
            patientIds: [...new Set(fresh)],
            details: { jobId: job.id, type },
          }]);
        }
      });
      signalCommit(AUDIT_CHANNEL);
      if (
        stopping || !(await setExportProgress(sql, job.id, `${type}: ${disclosed.size} patients`))
      ) {
        cancelled = true;
      }
    };

    // Patients, in id order, a round at a time.
    let lines: string[] = [];
    let ids: string[] = [];
    for (let after = ZERO_ID; !cancelled;) {
      const rows = await exportablePatients(sql, {
        afterId: after,
        limit: PART,
        groupId: job.groupId,
        since: job.since,
      });
      if (rows.length === 0) break;
      after = rows.at(-1)!.id;
      for (const row of rows) {
        exportable.add(row.id);
        if (job.types.includes("Patient") && row.changed) {
          lines.push(JSON.stringify(toFhirPatient(row)));
          ids.push(row.id);
        }
      }
      if (lines.length >= PART || rows.length < PART) {
        await flush("Patient", lines, ids);
        lines = [];
        ids = [];
      }
    }
    await flush("Patient", lines, ids);

    for (const type of ["Appointment", "Encounter", "Observation"] as const) {
      if (cancelled || !job.types.includes(type)) continue;
      const base =
        (type === "Appointment" ? options.related.schedulingUrl : options.related.clinicalUrl)
          .replace(/\/+$/, "");
      let lines: string[] = [];
      let ids: string[] = [];
      try {
        for (let offset = 0; !cancelled; offset += PAGE) {
          const res = await fetch(`${base}/fhir/R4/${type}?_count=${PAGE}&_offset=${offset}`, {
            headers: { authorization: `Bearer ${job.token}`, accept: "application/fhir+json" },
            signal: AbortSignal.timeout(10_000),
          });
          if (res.status !== 200) {
            await res.body?.cancel();
            throw new Error(`the ${type} search answered ${res.status}`);
          }
          const bundle: { entry?: { resource?: Record<string, unknown> }[] } = await res.json();
          const page = (bundle.entry ?? []).flatMap((e) => (e.resource ? [e.resource] : []));
          for (const resource of page) {
            const patientId = patientOf(resource);
            if (!patientId || !exportable.has(patientId)) continue;
            const updated = Date.parse(
              (resource.meta as { lastUpdated?: string } | undefined)?.lastUpdated ?? "",
            );
            if (job.since && !(updated >= job.since.getTime())) continue;
            lines.push(JSON.stringify(resource));
            ids.push(patientId);
          }
          if (lines.length >= PART) {
            await flush(type, lines, ids);
            lines = [];
            ids = [];
          }
          if (page.length < PAGE) break;
        }
        await flush(type, lines, ids);
      } catch (error) {
        errors.push({ type, message: `${type} resources could not be read: ${String(error)}` });
      }
    }
    if (cancelled) return;
    if (errors.length > 0) {
      await sql.begin((tx) =>
        insertExportPart(
          tx,
          job.id,
          "OperationOutcome",
          0,
          errors.map((e) =>
            JSON.stringify({
              resourceType: "OperationOutcome",
              issue: [{ severity: "error", code: "exception", diagnostics: e.message }],
            })
          ),
        )
      );
    }
    await finishExportJob(sql, job.id, "DONE", errors);
  }

  return {
    run(job) {
      const work = execute(job).catch(async (error) => {
        // A job deleted while it ran (cancelled) fails its next part's insert: no failure.
        const cancelled = await findExportJob(sql, job.id).then((found) => !found, () => false);
        if (cancelled) return logger.info("export cancelled", { jobId: job.id });
        logger.error("export failed", { err: error, jobId: job.id });
        await finishExportJob(sql, job.id, "FAILED", [{
          type: "OperationOutcome",
          message: "The export failed; start it again",
        }]).catch(() => {});
      }).finally(() => running.delete(work));
      running.add(work);
    },
    async start() {
      await failInterruptedJobs(sql);
    },
    async stop() {
      stopping = true;
      await Promise.allSettled([...running]);
      await failInterruptedJobs(sql).catch(() => {});
    },
  };
}

/** The patient a resource of another service belongs to (`subject`, or a participant). */
function patientOf(resource: Record<string, unknown>): string | undefined {
  const ref = (value: unknown) => {
    const reference = (value as { reference?: unknown } | undefined)?.reference;
    return typeof reference === "string" && reference.startsWith("Patient/")
      ? reference.slice(8)
      : undefined;
  };
  const participants = Array.isArray(resource.participant) ? resource.participant : [];
  return ref(resource.subject) ??
    participants.map((p) => ref((p as { actor?: unknown }).actor)).find(Boolean);
}
