import type { HTTPException } from "hono/http-exception";
import { jsonError } from "@pms/http";

/** The message of a refused restricted record. */
export const RESTRICTED_MESSAGE = "Record is restricted";

/**
 * The refusal of a restricted record: `403 {"message":"Record is restricted","breakGlass":true}`
 * (a FHIR route's error handler turns it into an OperationOutcome `forbidden`). `breakGlass`
 * tells a client that a break-glass grant may open it.
 */
export function restrictedRecord(): HTTPException {
  return jsonError(403, { message: RESTRICTED_MESSAGE, breakGlass: true });
}
