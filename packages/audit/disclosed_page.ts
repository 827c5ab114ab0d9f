import type { Context } from "hono";
import { pagedJson } from "@pms/http";
import { auditNote } from "./audit_trail/mod.ts";

/** A page of records about patients, as a list use case returns it. */
export interface PatientRecordPage<T extends { patientId: string }> {
  items: T[];
  /** How many match in all. */
  total: number;
}

/**
 * Answers a page of records about patients: the patients it discloses, the query's filters and
 * the paging go into the request's audit record (a search's `details` are its query parameters),
 * and the page goes out with `X-Total-Count` and a `Link` that keeps the filters (`query` less
 * `page` and `size`).
 */
export function disclosedPage<T extends { patientId: string }>(
  c: Context,
  found: PatientRecordPage<T>,
  list: {
    /** The list's path as the client called it (`clientPath`). */
    path: string;
    page: number;
    size: number;
    query: Record<string, string | number | undefined>;
  },
): Response {
  const { page, size } = list;
  const { page: _page, size: _size, ...rest } = list.query;
  const filters = Object.fromEntries(
    Object.entries(rest).map((
      [name, value],
    ) => [name, value === undefined ? value : String(value)]),
  );
  const given = Object.entries(filters).filter(([, value]) => value !== undefined);
  auditNote(c, {
    patientIds: [...new Set(found.items.map((item) => item.patientId))],
    details: { ...Object.fromEntries(given), page, size },
  });
  return pagedJson(c, { json: JSON.stringify(found.items), total: found.total }, {
    path: list.path,
    page,
    size,
    filters,
  });
}
