import type { Context } from "hono";
import type { AppEnv } from "@pms/http";
import { searchAnswer } from "./search_answer.ts";

/** A search over a paged store list, for {@linkcode searchPage}. */
export interface SearchPageOptions<T> {
  /** `FHIR_BASE_URL`. */
  base: string;
  /** The resource type searched (`Encounter`). */
  type: string;
  /** The first `size` matches, and how many match in all. */
  find(size: number): Promise<{ items: T[]; total: number }>;
  /** The page's records as FHIR resources. */
  present(items: T[]):
    | { resourceType: string; id: string }[]
    | Promise<
      { resourceType: string; id: string }[]
    >;
  /** The patient of a record (noted in the audit record); none for resources of no patient. */
  patientOf?(item: T): string;
}

/**
 * Answers a search from a store's list: the first `offset + count` matches are read, the page
 * after `offset` is presented, its patients noted in the audit record, and the matches go out as
 * a `searchset` Bundle (see `searchAnswer`).
 */
export async function searchPage<T>(
  c: Context<AppEnv>,
  query: { count: number; offset: number },
  options: SearchPageOptions<T>,
): Promise<Response> {
  const { count, offset } = query;
  const found = await options.find(offset + count);
  const items = found.items.slice(offset);
  return searchAnswer(c, {
    base: options.base,
    type: options.type,
    resources: await options.present(items),
    total: found.total,
    offset,
    count,
    patientIds: options.patientOf && items.map(options.patientOf),
  });
}
