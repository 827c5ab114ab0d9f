import type { OpenAPIHono } from "@hono/zod-openapi";
import { type AuditNote, auditNote } from "@pms/audit";
import { type AppEnv, etagOf, notModified } from "@pms/http";
import { fhirJson } from "./fhir_json.ts";
import { fhirReadRoute, type FhirRouteOptions } from "./fhir_read_route.ts";
import { readId } from "./read_id.ts";

/** A FHIR `read` of one resource type, as {@linkcode fhirRead} serves it. */
export interface FhirReadOptions<T extends { version: number }> extends FhirRouteOptions {
  /** The stored record of a well-formed id; throws the domain's not-found error without one. */
  load(id: string): Promise<T>;
  /** What the read's audit record notes: the patients it discloses, the record's id. */
  note(record: T, id: string): AuditNote;
  /** The record as its FHIR resource. */
  present(record: T): unknown;
}

/**
 * Serves a FHIR `read`, `GET /<type>/{id}`: only `_format` besides the id (else `400`), an id that
 * is not a UUID `404`, the record loaded, noted in the audit record and answered as
 * `application/fhir+json` with its version's `ETag`, or `304` without a body when `If-None-Match`
 * names that version.
 */
export function fhirRead<T extends { version: number }>(
  app: OpenAPIHono<AppEnv>,
  options: FhirReadOptions<T>,
): void {
  app.openapi(fhirReadRoute(options), async (c) => {
    const id = readId(c.req.url, c.req.valid("param").id, options.type);
    const record = await options.load(id);
    auditNote(c, options.note(record, id));
    return notModified(c, record.version) ??
      fhirJson(c, await options.present(record), { ETag: etagOf(record.version) });
  });
}
