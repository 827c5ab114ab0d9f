import { fhirError, type Paging } from "@pms/http";
import { fhirPageParams, onlyParams, queryPairs, referenceId, tokenCode } from "./fhir_search.ts";

/** A FHIR search's query, checked: its parameters and the page it asks for. */
export interface SearchQuery {
  /** `_count` (1 to the largest page) and `_offset` (from 0). */
  count: number;
  offset: number;
  /** The last value of parameter `name`, if given. */
  last(name: string): string | undefined;
  /** Every value of parameter `name`, in order. */
  all(name: string): string[];
  /** The id the last value of reference parameter `name` names (see `referenceId`), if given. */
  reference(name: string, types: string[]): string | undefined;
  /**
   * What the last value of token parameter `name` stands for in `codes` (a FHIR code → ours), if
   * given: each of its comma-separated alternatives (any of them matches), a `<code>` or a
   * `<system>|<code>` of `system`; `400 "<name> must be one of …"` for another code or system.
   */
  codes<T>(name: string, codes: Record<string, T>, system: string): T[] | undefined;
}

/**
 * The query of a search at `url`: `400 not-supported` for a parameter other than `allowed`,
 * `_count`, `_offset` and `_format`; `_count` defaults to `paging.defaultSize`, at most
 * `paging.maxSize`.
 */
export function searchQuery(
  url: string,
  allowed: string[],
  paging: Paging,
): SearchQuery {
  const pairs = queryPairs(url);
  onlyParams(pairs, [...allowed, "_count", "_offset", "_format"]);
  const { count, offset } = fhirPageParams(pairs, paging.defaultSize, paging.maxSize);
  const last = (name: string) => pairs.findLast(([key]) => key === name)?.[1];
  return {
    count,
    offset,
    last,
    all: (name) => pairs.filter(([key]) => key === name).map(([, value]) => value),
    codes(name, codes, system) {
      const value = last(name);
      if (value === undefined) return undefined;
      return value.split(",").map((token) => {
        const code = tokenCode(token, system);
        if (!code || code.code === undefined || !Object.hasOwn(codes, code.code)) {
          throw fhirError(
            400,
            `${name} must be one of ${Object.keys(codes).join(", ")} (system ${system})`,
          );
        }
        return codes[code.code]!;
      });
    },
    reference(name, types) {
      const value = last(name);
      return value === undefined ? undefined : referenceId(name, value, types);
    },
  };
}
