import { DomainError } from "./mod.ts";

/** An `invalid` error of one request field: the answer is `400 {"<field>": message}`. */
export function invalidField(field: string, message: string): DomainError {
  return new DomainError("invalid", message, { field, fields: { [field]: message } });
}
