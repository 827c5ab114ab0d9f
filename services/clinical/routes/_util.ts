import type { Context } from "hono";
import {
  answerChange,
  auditNote,
  type CallContext,
  callContext,
  disclosedList,
  type PatientRecordPage,
} from "@pms/audit";
import { answerVersion, type AppEnv } from "@pms/http";
import type { ClinicalRoutesDeps } from "../app.ts";

/** The context of a route whose path names a record's `{id}`. */
type RecordContext = Context<AppEnv, string, { out: { param: { id: string } } }>;

/** The clinical row of the role matrix: encounters, observations, notes read and write. */
export const CLINICAL_ROLES = ["ADMIN", "CLINICIAN"] as const;

/**
 * The answer of the clinical list at `path` (`disclosedList`): the page a request's `query` asks
 * for, found with `find`, once the patient its `patientId` filter names is known.
 */
export function clinicalList(path: string, deps: Pick<ClinicalRoutesDeps, "service" | "paging">) {
  const { service, paging } = deps;
  const list = { path, defaultSize: paging.defaultSize, requirePatient: service.requirePatient };
  return <T extends { patientId: string }>(
    c: Context,
    query: Parameters<typeof disclosedList>[2],
    find: (page: { page: number; size: number }) => Promise<PatientRecordPage<T>>,
  ): Promise<Response> => disclosedList(c, list, query, find);
}

/**
 * The handler of `GET /{id}` of a record about a patient: finds it with `find`, notes its patient
 * and its id (as `idName`) in the request's audit record, and answers it with its `ETag`.
 */
export async function readRecord(
  c: RecordContext,
  find: (id: string) => Promise<{ id: string; patientId: string; version: number }>,
  idName: string,
): Promise<Response> {
  const record = await find(c.req.valid("param").id);
  auditNote(c, { patientIds: [record.patientId], details: { [idName]: record.id } });
  return answerVersion(c, record, 200);
}

/**
 * The handler of a `POST /{id}/<step>` that moves a record along with `step` (finish aside: it
 * takes a body): answers the record with its `ETag`, its audit record committed with the change.
 */
export async function stepRecord(
  c: RecordContext,
  step: (id: string, ctx: CallContext) => Promise<{ id: string; version: number }>,
): Promise<Response> {
  return answerChange(c, await step(c.req.valid("param").id, callContext(c)), 200);
}
