import type { Context } from "hono";
import { clientPath } from "@pms/http";
import { pageOf } from "@pms/http/openapi";
import { disclosedPage, type PatientRecordPage } from "./disclosed_page.ts";

/**
 * Answers a list of records about patients at `list.path` (`/encounters`): takes the page `query`
 * asks for (`list.defaultSize` when it names no size), finds it with `find`, and answers it with
 * {@linkcode disclosedPage} (links at the path the client called).
 */
export async function disclosedList<T extends { patientId: string }>(
  c: Context,
  list: { path: string; defaultSize: number },
  query: Record<string, string | undefined> & { page?: string; size?: string },
  find: (page: { page: number; size: number }) => Promise<PatientRecordPage<T>>,
): Promise<Response> {
  const { page, size } = pageOf(query, list.defaultSize);
  const found = await find({ page, size });
  return disclosedPage(c, found, { path: clientPath(c, list.path), page, size, query });
}
