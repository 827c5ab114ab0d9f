import type { Context } from "hono";
import { jsonError } from "./json_error.ts";

/** The entity tag of a record version: weak, as the JSON may be re-serialised on the way. */
export function etagOf(version: number): string {
  return `W/"${version}"`;
}

const TAG = /^(?:W\/)?"([\x21\x23-\x7e\x80-\xff]*)"$/;

/**
 * Parses `If-Match` or `If-None-Match`: `"*"` for any, else the versions its tags name (compared
 * weakly: `W/"3"` and `"3"` both name version 3; a tag naming no version names nothing). Undefined
 * for a malformed header.
 */
export function parseEtagList(header: string): "*" | number[] | undefined {
  const value = header.trim();
  if (value === "*") return "*";
  const versions: number[] = [];
  for (const part of value.split(",")) {
    const match = TAG.exec(part.trim());
    if (!match) return undefined;
    if (/^[1-9]\d{0,9}$/.test(match[1]!)) versions.push(Number(match[1]));
  }
  return versions;
}

/**
 * `If-Match` as the versions a change may apply to: undefined when absent or `*`; `400` when
 * malformed.
 */
export function expectedVersions(c: Context): number[] | undefined {
  const header = c.req.header("If-Match");
  if (header === undefined) return undefined;
  const parsed = parseEtagList(header);
  if (parsed === undefined) throw jsonError(400, "If-Match must be * or a list of entity tags");
  return parsed === "*" ? undefined : parsed;
}
