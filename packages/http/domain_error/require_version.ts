import { etagOf } from "../etag.ts";
import { DomainError } from "./mod.ts";

/**
 * `If-Match`: when `expected` versions are given and `version` (the record's current one) is not
 * among them, a `precondition` error (`412 {"message": "<record> was changed by someone else"}`
 * with the current `ETag`).
 */
export function requireVersion(version: number, record: string, expected?: number[]): void {
  if (expected && !expected.includes(version)) {
    throw new DomainError("precondition", `${record} was changed by someone else`, {
      headers: { ETag: etagOf(version) },
    });
  }
}
