import { DomainError } from "./mod.ts";

/** The `not_found` error of a kind of record: `notFound("Encounter")` answers 404 "Encounter not found". */
export function notFound(record: string): DomainError {
  return new DomainError("not_found", `${record} not found`);
}
