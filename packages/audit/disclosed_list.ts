import type { Context } from "hono";
import { bearerToken, clientPath } from "@pms/http";
import { pageOf } from "@pms/http/openapi";
import { disclosedPage, type PatientRecordPage } from "./disclosed_page.ts";

/** Where a list of records about patients is answered, and how its `patientId` filter is checked. */
export interface DisclosedListOptions {
  /** The list's path as the service serves it (`/encounters`). */
  path: string;
  defaultSize: number;
  /**
   * Resolves when a `patientId` filter names a patient that exists and is not deleted, asked with
   * the caller's bearer token; throws (`404 "Patient not found"`) otherwise.
   */
  requirePatient?: (patientId: string, token: string) => Promise<void>;
}

/**
 * Answers a list of records about patients at `list.path` (`/encounters`): checks the patient a
 * `patientId` filter names (`list.requirePatient`), takes the page `query` asks for
 * (`list.defaultSize` when it names no size), finds it with `find`, and answers it with
 * {@linkcode disclosedPage} (links at the path the client called).
 */
export async function disclosedList<T extends { patientId: string }>(
  c: Context,
  list: DisclosedListOptions,
  query: Record<string, string | undefined> & { page?: string; size?: string },
  find: (page: { page: number; size: number }) => Promise<PatientRecordPage<T>>,
): Promise<Response> {
  if (query.patientId && list.requirePatient) {
    await list.requirePatient(query.patientId, bearerToken(c));
  }
  const { page, size } = pageOf(query, list.defaultSize);
  const found = await find({ page, size });
  return disclosedPage(c, found, { path: clientPath(c, list.path), page, size, query });
}
