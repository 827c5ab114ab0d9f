import { isUuid } from "@pms/ids";
import type { ExportService } from "../domain/export_service.ts";
import { auditChange } from "@pms/audit";
import {
  EVERYTHING_TYPES,
  type EverythingType,
  type FhirResource,
  relatedResources,
  type RelatedSources,
} from "./related_resources.ts";
import { type PatientAccess, restrictedRecords } from "@pms/patient_access";
import { OpenAPIHono, z } from "@hono/zod-openapi";
import { auditCommitted, auditNote } from "@pms/audit";
import {
  type AppEnv,
  asOperationOutcome,
  bearerToken,
  bodyLimit,
  defineRoute,
  errorHandler,
  etagOf,
  FHIR_JSON,
  fhirError,
  idempotency,
  type IdempotencyStore,
  isFhirResponse,
  jwtAuth,
  noStore,
  notModified,
  type Paging,
  parseDay,
  parseInstant,
  resourceApp,
  type RouteAnswers,
} from "@pms/http";
import * as doc from "@pms/http/openapi";
import type { Logger } from "@pms/log";
import type { VerifyToken } from "@pms/service";
import type { Context, MiddlewareHandler } from "hono";
import { HTTPException } from "hono/http-exception";
import type { ContentfulStatusCode } from "hono/utils/http-status";
import { today } from "../domain/dates.ts";
import { type BundlePage, historyBundle, patientUrl, searchBundle } from "./fhir_bundle.ts";
import { capabilityStatement } from "./fhir_capability.ts";
import {
  FIELD_EXPRESSIONS,
  fromFhirPatient,
  toFhirPatient,
  withMergeLinks,
} from "./fhir_patient.ts";
import type { MergeService } from "../domain/merge_service.ts";
import {
  BundleSchema,
  CapabilityStatementSchema,
  FhirPatientBody,
  FhirPatientSchema,
  OperationOutcomeSchema,
} from "./fhir_schema.ts";
import { type ParsedSearch, parsePatientSearch } from "./fhir_search.ts";
import { changeContext, committed, PATIENT_CALLS, PATIENT_ROLES } from "../routes/_util.ts";
import { createPatientOperations } from "../domain/patient_operations.ts";
import { PatientIdParam } from "../domain/patient_schema.ts";
import { type PatientService } from "../domain/patient_service.ts";
import type { PatientRecord } from "../domain/patient_record.ts";

// The FHIR rows of the contract's role matrix are the patient rows: read and search as patients
// read, create and update as patients write, vread and _history as patient history, delete ADMIN.

const DELETED = "Patient was deleted";

/** What {@linkcode fhirRoutes} needs. */
export interface FhirRoutesOptions {
  service: PatientService;
  /** A patient's merge links (read shows them). */
  merges: Pick<MergeService, "links">;
  /** Who may see which patient: restricted records are refused, and masked in searches. */
  access: PatientAccess;
  /** Idempotency-Key storage for create. */
  keys: IdempotencyStore;
  verify: VerifyToken;
  /** `FHIR_BASE_URL`: the base of `fullUrl`, links and `Location`. */
  baseUrl: string;
  /** Where `$everything` finds a patient's Appointments, Encounters and Observations. */
  related: RelatedSources;
  /** Bulk Data export jobs and their files. */
  exports: ExportService;
  /** `_count`'s default and maximum. */
  paging: Paging;
  maxBodyBytes: number;
  /** For errors before a request has its own logger. */
  logger: Logger;
}

// What `_format` and Accept may ask for: JSON only.
const JSON_FORMATS = new Set([
  "json",
  "application/json",
  "application/fhir+json",
  "application/json+fhir",
]);
const BODY_TYPES = new Set(["application/fhir+json", "application/json"]);

/** True when an Accept header takes JSON (or anything) at a non-zero quality. */
function acceptsJson(accept: string): boolean {
  return accept.split(",").some((range) => {
    const [type = "", ...params] = range.split(";").map((part) => part.trim().toLowerCase());
    if (params.some((p) => /^q=0(\.0*)?$/.test(p))) return false;
    return type === "*/*" || type === "application/*" || /[/+]json$/.test(type) ||
      JSON_FORMATS.has(type);
  });
}

/** `406` unless `_format` and `Accept` allow FHIR JSON (after the role check, like any 4xx). */
const negotiate: MiddlewareHandler<AppEnv> = async function negotiate(c, next) {
  for (const format of c.req.queries("_format") ?? []) {
    // An unencoded `+` arrives as a space.
    const type = format.split(";")[0]!.trim().toLowerCase().replace(/ /g, "+");
    if (!JSON_FORMATS.has(type)) {
      throw fhirError(406, "Only JSON is supported (_format=json)", { code: "not-supported" });
    }
  }
  const accept = c.req.header("Accept");
  if (accept && !acceptsJson(accept)) {
    throw fhirError(406, "Only application/fhir+json is served", { code: "not-supported" });
  }
  await next();
};

/**
 * `415` unless a POST or PUT body is `application/fhir+json` or `application/json`; on the create
 * and update routes, after their role (401 → 403 → 415 → 400).
 */
const requireFhirJson: MiddlewareHandler<AppEnv> = async function requireFhirJson(c, next) {
  if (c.req.method === "POST" || c.req.method === "PUT") {
    const raw = c.req.raw;
    const sendsBody = raw.body !== null && (raw.headers.get("content-length") ?? "") !== "0";
    const type = (c.req.header("Content-Type") ?? "").split(";")[0]!.trim().toLowerCase();
    if ((sendsBody || type) && !BODY_TYPES.has(type)) {
      throw fhirError(415, "Content-Type must be application/fhir+json or application/json");
    }
  }
  await next();
};

/** Marks the request's audit record as a FHIR call (`details.api`), denials included. */
const auditedAsFhir: MiddlewareHandler<AppEnv> = async function auditedAsFhir(c, next) {
  auditNote(c, { details: { api: "fhir" } });
  await next();
};

/** The query as sent: `[name, value]` pairs, in order. */
function queryPairs(c: Context<AppEnv>): [string, string][] {
  return [...new URL(c.req.url).searchParams];
}

/** `400 not-supported` for a query parameter the interaction does not take. */
function onlyParams(c: Context<AppEnv>, allowed: string[]): void {
  for (const [key] of queryPairs(c)) {
    if (!allowed.includes(key)) {
      throw fhirError(400, `Parameter ${key} is not supported here`, { code: "not-supported" });
    }
  }
}

/**
 * The path parameters of an interaction that takes no query parameter but `_format`
 * (`400 not-supported` for another).
 */
function formatOnlyParams<P>(c: Context<AppEnv, string, { out: { param: P } }>): P {
  onlyParams(c, ["_format"]);
  return c.req.valid("param");
}

/** A FHIR JSON answer. */
function fhirJson(
  c: Context<AppEnv>,
  body: unknown,
  status: ContentfulStatusCode,
  headers: Record<string, string> = {},
): Response {
  return c.body(JSON.stringify(body), status, { ...headers, "Content-Type": FHIR_JSON });
}

/** The version headers of a patient: `ETag: W/"<version>"` and `Last-Modified`. */
function versionHeaders(patient: PatientRecord): Record<string, string> {
  return {
    ETag: etagOf(patient.version),
    "Last-Modified": new Date(patient.updatedAt).toUTCString(),
  };
}

/** One patient as a FHIR Patient, with its ETag and Last-Modified. */
function answerPatient(
  c: Context<AppEnv>,
  patient: PatientRecord,
  status: 200 | 201,
  headers: Record<string, string> = {},
): Response {
  return fhirJson(c, toFhirPatient(patient), status, { ...versionHeaders(patient), ...headers });
}

/** The page of a parsed query's Bundle: `total` in all, its links to `url` with the query's paging. */
function bundlePage(
  parsed: Extract<ParsedSearch, { ok: true }>,
  total: number,
  url: string,
): BundlePage {
  const { offset, count } = parsed.search;
  return { offset, count, total, urlAt: (at) => `${url}?${parsed.pageQuery(at)}` };
}

/** A Patient body as a record's fields; `400` with an issue per problem otherwise. */
function patientFields(body: unknown) {
  const input = fromFhirPatient(body, today());
  if (input.ok) return input;
  const [first, ...more] = input.issues;
  throw fhirError(400, first!.diagnostics ?? "Invalid Patient", {
    code: first!.code,
    expression: first!.expression,
    more,
  });
}

const fhirContent = <T extends z.ZodType>(schema: T) => ({
  "application/fhir+json": { schema },
});
const outcome = (description: string) => ({
  description,
  content: fhirContent(OperationOutcomeSchema),
});
const versioned = {
  ETag: { description: 'The version, `W/"<versionId>"`', schema: { type: "string" as const } },
  "Last-Modified": { description: "meta.lastUpdated", schema: { type: "string" as const } },
};
// What every token-guarded FHIR interaction can answer besides its own results.
const guarded = {
  401: outcome("Missing, malformed or invalid bearer token (code login)"),
  403: outcome("The role may not do this (code forbidden)"),
  406: outcome("_format or Accept asks for something other than JSON"),
  503: outcome("The database or the token keys are unavailable; see Retry-After"),
};
const withBody = {
  413: outcome("The body is larger than the limit"),
  415: outcome("The Content-Type is not application/fhir+json or application/json"),
};
/** FHIR answers: every error an OperationOutcome. */
const FHIR_ANSWERS: RouteAnswers = { error: outcome, guarded, body: withBody };
const format = z.unknown().optional().openapi({
  type: "string",
  description: "`json` (or `application/fhir+json`); only JSON is served",
});

/** `_type` of `$everything`: the types asked for (all when absent); `400` for another. */
function everythingTypes(value: string | null): EverythingType[] {
  if (value === null) return [...EVERYTHING_TYPES];
  const asked = value.split(",").map((t) => t.trim());
  for (const type of asked) {
    if (!(EVERYTHING_TYPES as readonly string[]).includes(type)) {
      throw fhirError(400, `_type must be among ${EVERYTHING_TYPES.join(", ")}`);
    }
  }
  return asked as EverythingType[];
}

/**
 * `_since` of `$everything` and `$export`: an instant (RFC 3339, or a date: its midnight UTC),
 * undefined when absent; `400` otherwise, also for a time that is not on the calendar
 * (`2026-02-30`) or outside years 0001–9999. A `+` of a zone offset sent unencoded arrives as a
 * space, and is read as the `+`.
 */
export function sinceParam(value: string | null): Date | undefined {
  if (value === null) return undefined;
  const text = value.replace(/ (\d{2}:\d{2})$/, "+$1");
  const since = parseDay(text) ?? parseInstant(text);
  if (!since) throw fhirError(400, "_since must be an instant (RFC 3339)");
  return since;
}

/** An integer query parameter within bounds, undefined when absent; `400` otherwise. */
function intParam(value: string | null, name: string, min: number, max: number) {
  if (value === null) return undefined;
  const n = Number(value);
  if (!/^\d+$/.test(value) || n < min || n > max) {
    throw fhirError(400, `${name} must be an integer from ${min} to ${max}`);
  }
  return n;
}

/** The query of an interaction that takes only `_format`. */
const formatOnly = z.object({ _format: format });
const queryParam = (description: string) =>
  z.unknown().optional().openapi({ type: "string", description });
// A `vid` that is not a version number names no version: `404`, as for a version never written
// (the contract's vread errors are 404 and 410; only the patient's id is a UUID, 400 if not).
const VersionParams = PatientIdParam.extend({
  vid: z.string().openapi({ param: { name: "vid", in: "path" }, example: "1" }),
});
const VERSION_ID = /^[1-9]\d{0,8}$/;
const patientBody = {
  required: true,
  content: {
    "application/fhir+json": { schema: FhirPatientBody },
    "application/json": { schema: FhirPatientBody },
  },
};

/**
 * The FHIR R4 facade of the patient service (mounted at `/fhir/R4`): the CapabilityStatement
 * (no token), and Patient read, vread, history-instance, search-type, create, update and delete
 * on the same rows, versions, history, events and audit trail as `/patients`. Bodies are
 * `application/fhir+json`; every error is an OperationOutcome (the app's own errors too: this
 * router answers them itself).
 */
export function fhirRoutes(options: FhirRoutesOptions): OpenAPIHono<AppEnv> {
  const { service, baseUrl: base, paging } = options;
  const app = resourceApp();
  const restErrors = errorHandler({ logger: options.logger });
  // Every error, thrown by a guard, a validator or a handler, as an OperationOutcome.
  app.onError(async (err, c) => {
    if (err instanceof HTTPException && err.res && isFhirResponse(err.res)) return err.res;
    return await asOperationOutcome(restErrors(err, c), FIELD_EXPRESSIONS);
  });
  const authenticate = jwtAuth({ verify: options.verify });
  const guards = [
    authenticate,
    bodyLimit({ maxBytes: options.maxBodyBytes }),
    restrictedRecords({ access: options.access }),
  ];
  app.use("*", auditedAsFhir, noStore());
  // `/Patient/*` matches `/Patient` too: the guards run once per request.
  app.use("/Patient/*", ...guards);
  for (const path of ["/Group/*", "/$export", "/$export-status/*", "/$export-file/*"]) {
    app.use(path, ...guards);
  }
  const limits = { defaultCount: paging.defaultSize, maxCount: paging.maxSize };
  const capability = capabilityStatement(base, new Date().toISOString());
  const patients = createPatientOperations(service);

  app.openapi(
    defineRoute({
      method: "get",
      path: "/metadata",
      audit: false,
      answers: FHIR_ANSWERS,
      unaudited: "the CapabilityStatement: public, names no one",
      summary: "The CapabilityStatement (no token)",
      middleware: [negotiate],
      request: { query: formatOnly },
      responses: {
        200: {
          description: "What this server supports",
          content: fhirContent(CapabilityStatementSchema),
        },
        406: guarded[406],
      },
      errors: { 400: "An unknown parameter" },
    }),
    (c) => {
      onlyParams(c, ["_format"]);
      return fhirJson(c, capability, 200);
    },
  );

  app.openapi(
    defineRoute({
      method: "get",
      path: "/Patient",
      audit: "patient.search",
      answers: FHIR_ANSWERS,
      summary: "search-type: a searchset Bundle, paged by its next and previous links",
      description: "Parameters: `name` (each word begins a word of the name, any case or " +
        "accent), `family`, `given` (word prefix), `birthdate` (`YYYY[-MM[-DD]]`, prefixes " +
        "`eq ne gt lt ge le`; repeated: all must hold), `email` (exact, any case), `_id` (a " +
        "list), `_count` (1–100, default 50), `_sort` (`name`, `birthdate`, `_lastUpdated`, " +
        "`-` for descending). A comma separates alternatives (at most 20 in one parameter; " +
        "a parameter at most 10 times, else 400 invalid). Any other parameter or a modifier " +
        "is 400 not-supported.",
      roles: PATIENT_ROLES.read,
      middleware: [negotiate],
      request: {
        query: z.object({
          name: queryParam("Words that each begin a word of the name"),
          family: queryParam("The beginning of the family name (the name's last word)"),
          given: queryParam("The beginning of a given name"),
          birthdate: queryParam("`[eq|ne|gt|lt|ge|le]YYYY[-MM[-DD]]`; may be repeated"),
          email: queryParam("The email, in any case"),
          _id: queryParam("Patient ids, comma-separated"),
          _count: queryParam("Page size, 1–100 (default 50)"),
          _sort: queryParam("`name`, `birthdate`, `_lastUpdated`; `-` for descending"),
          _offset: queryParam("Where the page starts (the links set it)"),
          _format: format,
        }),
      },
      responses: {
        200: { description: "A searchset Bundle", content: fhirContent(BundleSchema) },
      },
      errors: { 400: "An unknown parameter, a modifier, a bad value, or more than the bounds" },
    }),
    async (c) => {
      const parsed = parsePatientSearch(queryPairs(c), limits);
      if (!parsed.ok) {
        const [first] = parsed.issues;
        throw fhirError(400, first!.diagnostics!, { code: first!.code });
      }
      const found = await service.search(parsed.search);
      auditNote(c, {
        patientIds: found.patients.map((p) => p.id),
        details: { api: "fhir", ...parsed.params },
      });
      const page = bundlePage(parsed, found.total, `${base}/Patient`);
      return fhirJson(c, searchBundle(base, found.patients, page), 200);
    },
  );

  app.openapi(
    defineRoute({
      method: "get",
      path: "/Patient/{id}",
      ...PATIENT_CALLS.read,
      answers: FHIR_ANSWERS,
      summary: "read: the Patient (ETag, Last-Modified; If-None-Match → 304)",
      middleware: [negotiate],
      request: { params: PatientIdParam, query: formatOnly },
      responses: {
        200: {
          description: "The Patient",
          headers: versioned,
          content: fhirContent(FhirPatientSchema),
        },
        304: { description: "If-None-Match names the current version", headers: versioned },
      },
      errors: {
        400: "Malformed id or an unknown parameter",
        404: "No such patient (code not-found)",
        410: "The patient was deleted (code deleted)",
      },
    }),
    async (c) => {
      const { id } = formatOnlyParams(c);
      // A merged source is hidden as a deleted patient is, but FHIR still reads it, inactive.
      const links = await options.merges.links(id);
      const patient = await patients.find(id, {
        deleted: "gone",
        includeDeleted: links.mergedInto !== null,
      });
      const headers = versionHeaders(patient);
      return notModified(c, patient.version, headers) ??
        fhirJson(c, withMergeLinks(toFhirPatient(patient), links), 200, headers);
    },
  );

  // FHIR Bulk Data Access (async pattern): kick-off, status, cancellation, files.
  const EXPORT_TYPES = ["Patient", "Appointment", "Encounter", "Observation"];
  const exportQuery = z.object({
    _type: queryParam("Comma list of Patient, Appointment, Encounter, Observation (default all)"),
    _since: queryParam("An instant: only what changed since"),
    _outputFormat: queryParam("application/fhir+ndjson (the only one)"),
  });
  const kickOff = async (c: Context<AppEnv>, groupId: string | null) => {
    onlyParams(c, ["_type", "_since", "_outputFormat"]);
    if (!/\brespond-async\b/i.test(c.req.header("Prefer") ?? "")) {
      throw fhirError(400, "Prefer: respond-async is required");
    }
    const query = new URL(c.req.url).searchParams;
    const typeText = query.get("_type");
    const types = typeText === null ? EXPORT_TYPES : typeText.split(",").map((t) => t.trim());
    for (const type of types) {
      if (!EXPORT_TYPES.includes(type)) {
        throw fhirError(400, `_type must be among ${EXPORT_TYPES.join(", ")}`);
      }
    }
    const format = query.get("_outputFormat");
    if (
      format !== null &&
      !["application/fhir+ndjson", "application/ndjson", "ndjson"].includes(format)
    ) {
      throw fhirError(400, "_outputFormat must be application/fhir+ndjson");
    }
    const since = sinceParam(query.get("_since")) ?? null;
    if (groupId && !(await options.exports.groupExists(groupId))) {
      throw fhirError(404, "Group not found", { code: "not-found" });
    }
    const jobId = await options.exports.kickOff({
      requestedBy: c.get("user").uid,
      request: c.req.url.replace(/^.*?\/fhir\/R4/, base),
      types: [...new Set(types)],
      since,
      groupId,
      token: bearerToken(c),
      audit: auditChange(c),
    });
    auditNote(c, { details: { jobId, types } });
    return c.body(null, 202, { "Content-Location": `${base}/$export-status/${jobId}` });
  };
  const exportErrors = { 400: "No Prefer: respond-async, or a bad _type, _since or _outputFormat" };

  app.openapi(
    defineRoute({
      method: "get",
      path: "/$export",
      audit: "export.start",
      answers: FHIR_ANSWERS,
      summary: "$export (system): every exportable patient and their resources, as NDJSON files",
      description: "Prefer: respond-async. Deleted, merged, restricted and DATA_SHARING-denied " +
        "patients and their resources are left out. 202 with Content-Location of the status.",
      roles: ["ADMIN"],
      request: { query: exportQuery },
      responses: { 202: { description: "Accepted: poll Content-Location" } },
      errors: exportErrors,
    }),
    (c) => kickOff(c, null),
  );

  app.openapi(
    defineRoute({
      method: "get",
      path: "/Group/{id}/$export",
      audit: "export.start",
      answers: FHIR_ANSWERS,
      summary: "$export (group): a patient group's members and their resources",
      roles: ["ADMIN"],
      request: {
        params: z.object({
          id: z.guid({ error: "Group not found" }).openapi({ param: { name: "id", in: "path" } }),
        }),
        query: exportQuery,
      },
      responses: { 202: { description: "Accepted: poll Content-Location" } },
      errors: { ...exportErrors, 404: "No such group" },
    }),
    (c) => kickOff(c, c.req.valid("param").id),
  );

  const JobParam = z.object({
    jobId: z.string().openapi({ param: { name: "jobId", in: "path" } }),
  });
  const jobOf = (id: string) => (isUuid(id) ? options.exports.status(id) : undefined);

  app.openapi(
    defineRoute({
      method: "get",
      path: "/$export-status/{jobId}",
      audit: "export.status",
      answers: FHIR_ANSWERS,
      summary: "An export's status: 202 with X-Progress while it runs, then the manifest",
      roles: ["ADMIN"],
      request: { params: JobParam },
      responses: {
        200: { description: "The manifest: transactionTime, request, output, error" },
        202: { description: "Still running (X-Progress)" },
        500: {
          description: "The export failed or was interrupted (an OperationOutcome, code " +
            "exception): start it again",
        },
      },
      errors: {
        400: "A malformed request path",
        404: "No such export, or it expired (EXPORT_TTL_HOURS)",
      },
    }),
    async (c) => {
      const { jobId } = c.req.valid("param");
      const found = await jobOf(jobId);
      if (!found) throw fhirError(404, "Export not found", { code: "not-found" });
      const { job, outputs } = found;
      if (job.status === "RUNNING") {
        return c.body(null, 202, { "X-Progress": job.progress, "Retry-After": "1" });
      }
      // A job that did not complete (interrupted, or failed) has no manifest: its files would
      // read as the whole export. Bulk Data's error status: a 5xx OperationOutcome.
      if (job.status === "FAILED") {
        const messages = job.errors.map((e) => e.message);
        return fhirJson(c, {
          resourceType: "OperationOutcome",
          issue: (messages.length > 0 ? messages : ["The export failed; start it again"]).map(
            (diagnostics) => ({ severity: "error", code: "exception", diagnostics }),
          ),
        }, 500);
      }
      const fileUrl = (type: string) => `${base}/$export-file/${jobId}/${type}`;
      return c.json(
        {
          transactionTime: job.transactionTime.toISOString(),
          request: job.request,
          requiresAccessToken: true,
          output: outputs.filter((o) => o.type !== "OperationOutcome").map((o) => ({
            type: o.type,
            url: fileUrl(o.type),
            count: o.count,
          })),
          error: outputs.filter((o) => o.type === "OperationOutcome").map((o) => ({
            type: "OperationOutcome",
            url: fileUrl(o.type),
            count: o.count,
          })),
        },
        200,
        { Expires: job.expiresAt.toUTCString() },
      );
    },
  );

  app.openapi(
    defineRoute({
      method: "delete",
      path: "/$export-status/{jobId}",
      audit: "export.cancel",
      answers: FHIR_ANSWERS,
      summary: "Cancel an export, or delete a finished one: the job and its files are gone",
      roles: ["ADMIN"],
      request: { params: JobParam },
      responses: { 202: { description: "Deleted" } },
      errors: { 400: "A malformed request path", 404: "No such export" },
    }),
    async (c) => {
      const { jobId } = c.req.valid("param");
      if (!isUuid(jobId) || !(await options.exports.cancel(jobId))) {
        throw fhirError(404, "Export not found", { code: "not-found" });
      }
      return c.body(null, 202);
    },
  );

  app.openapi(
    defineRoute({
      method: "get",
      path: "/$export-file/{jobId}/{type}",
      audit: "export.download",
      answers: FHIR_ANSWERS,
      summary: "An export's file: one resource a line (application/fhir+ndjson)",
      description: "Each exported patient's disclosure (patient.export) was recorded when the " +
        "file was written; this call is recorded as the download.",
      roles: ["ADMIN"],
      request: {
        params: JobParam.extend({
          type: z.string().openapi({ param: { name: "type", in: "path" } }),
        }),
      },
      responses: { 200: { description: "The NDJSON file" } },
      errors: { 400: "A malformed request path", 404: "No such file" },
    }),
    async (c) => {
      const { jobId, type } = c.req.valid("param");
      const parts = isUuid(jobId) ? await options.exports.file(jobId, type) : undefined;
      if (!parts) throw fhirError(404, "File not found", { code: "not-found" });
      auditNote(c, { details: { jobId, type } });
      const encoder = new TextEncoder();
      const body = new ReadableStream<Uint8Array>({
        async pull(controller) {
          const next = await parts.next();
          if (next.done) controller.close();
          else controller.enqueue(encoder.encode(next.value));
        },
        async cancel() {
          await parts.return(undefined);
        },
      });
      return c.body(body, 200, { "Content-Type": "application/fhir+ndjson" });
    },
  );

  app.openapi(
    defineRoute({
      method: "get",
      path: "/Patient/{id}/$everything",
      ...PATIENT_CALLS.everything,
      answers: FHIR_ANSWERS,
      summary: "$everything: the Patient with its Appointments, Encounters and Observations",
      description: "A searchset Bundle (the Patient first, always; `_type` limits the others, " +
        "`_since` keeps what changed since an instant; `_count` 1–100, default 50, pages with " +
        "`next`). The Appointments come from the scheduling service, the Encounters and " +
        "Observations from the clinical service, asked with the caller's token. A disclosure " +
        "(`patient.everything`) naming the patient.",
      middleware: [negotiate],
      request: {
        params: PatientIdParam,
        query: z.object({
          _since: queryParam("An instant: only what changed since (the Patient always)"),
          _type: queryParam("Comma list of Patient, Appointment, Encounter, Observation"),
          _count: queryParam("Page size, 1–100 (default 50)"),
          _offset: queryParam("Where the page starts (the links set it)"),
          _format: format,
        }),
      },
      responses: {
        200: { description: "A searchset Bundle", content: fhirContent(BundleSchema) },
      },
      errors: {
        400: "An unknown parameter, type or a bad value",
        404: "No such patient",
        410: "The patient was deleted or merged (to every role)",
      },
    }),
    async (c) => {
      onlyParams(c, ["_since", "_type", "_count", "_offset", "_format"]);
      const id = c.req.valid("param").id;
      const query = new URL(c.req.url).searchParams;
      const types = everythingTypes(query.get("_type"));
      const count = intParam(query.get("_count"), "_count", 1, 100) ?? 50;
      const offset = intParam(query.get("_offset"), "_offset", 0, 1_000_000) ?? 0;
      const sinceText = query.get("_since");
      const since = sinceParam(sinceText)?.getTime();
      const patient = await patients.find(id, { deleted: "gone" });
      const token = bearerToken(c);
      const others = await Promise.all(
        types.filter((t): t is Exclude<EverythingType, "Patient"> => t !== "Patient").map((t) =>
          relatedResources(t, id, token, options.related)
        ),
      );
      const changed = (r: FhirResource) =>
        since === undefined || Date.parse(r.meta?.lastUpdated ?? "") >= since;
      const resources: FhirResource[] = [
        toFhirPatient(patient),
        ...others.flat().filter(changed),
      ];
      const total = resources.length;
      const pageQuery = (at: number) => {
        const next = new URLSearchParams(query);
        next.set("_offset", String(at));
        next.set("_count", String(count));
        return next;
      };
      const self = `${patientUrl(base, id)}/$everything`;
      auditNote(c, { details: { types, ...(sinceText && { since: sinceText }) } });
      return fhirJson(c, {
        resourceType: "Bundle",
        type: "searchset",
        total,
        link: [
          { relation: "self", url: `${self}?${pageQuery(offset)}` },
          ...(offset + count < total
            ? [{ relation: "next", url: `${self}?${pageQuery(offset + count)}` }]
            : []),
        ],
        ...(offset < total && {
          entry: resources.slice(offset, offset + count).map((resource) => ({
            fullUrl: `${base}/${resource.resourceType}/${resource.id}`,
            resource,
            search: { mode: resource.resourceType === "Patient" ? "match" : "include" },
          })),
        }),
      }, 200);
    },
  );

  app.openapi(
    defineRoute({
      method: "get",
      path: "/Patient/{id}/_history",
      ...PATIENT_CALLS.history,
      answers: FHIR_ANSWERS,
      summary: "history-instance: the patient's versions, newest first (ADMIN, CLINICIAN)",
      description: "A history Bundle: each entry's request (POST, PUT, DELETE) and response " +
        "(status, etag); a deletion has no resource. A deleted patient's history is ADMIN's " +
        "only (others 410).",
      middleware: [negotiate],
      request: {
        params: PatientIdParam,
        query: z.object({
          _count: queryParam("Page size, 1–100 (default 50)"),
          _offset: queryParam("Where the page starts (the links set it)"),
          _format: format,
        }),
      },
      responses: {
        200: { description: "A history Bundle", content: fhirContent(BundleSchema) },
      },
      errors: {
        400: "Malformed id, an unknown parameter or a bad value",
        404: "No such patient",
        410: "The patient was deleted (ADMIN sees its history)",
      },
    }),
    async (c) => {
      const id = c.req.valid("param").id;
      onlyParams(c, ["_count", "_offset", "_format"]);
      const parsed = parsePatientSearch(queryPairs(c), limits);
      if (!parsed.ok) throw fhirError(400, parsed.issues[0]!.diagnostics!);
      // A deleted patient's history is ADMIN's only; for others it is gone.
      await patients.find(id, { includeDeleted: c.get("user").role === "ADMIN", deleted: "gone" });
      const { offset, count } = parsed.search;
      const { versions, total } = await service.versions(id, { offset, limit: count });
      const page = bundlePage(parsed, total, `${patientUrl(base, id)}/_history`);
      return fhirJson(c, historyBundle(base, id, versions, page), 200);
    },
  );

  app.openapi(
    defineRoute({
      method: "get",
      path: "/Patient/{id}/_history/{vid}",
      ...PATIENT_CALLS.vread,
      answers: FHIR_ANSWERS,
      summary: "vread: one version of the Patient (ADMIN, CLINICIAN)",
      description: "The deletion's version is 410; a deleted patient's versions are ADMIN's " +
        "only (others 410).",
      middleware: [negotiate],
      request: { params: VersionParams, query: formatOnly },
      responses: {
        200: {
          description: "That version",
          headers: versioned,
          content: fhirContent(FhirPatientSchema),
        },
      },
      errors: {
        400: "Malformed id",
        404: "No such patient or version",
        410: "The version is the deletion, or the patient was deleted",
      },
    }),
    async (c) => {
      const { id, vid } = formatOnlyParams(c);
      await patients.find(id, { includeDeleted: c.get("user").role === "ADMIN", deleted: "gone" });
      const version = VERSION_ID.test(vid) ? await service.version(id, Number(vid)) : undefined;
      if (!version) throw fhirError(404, "Patient version not found");
      if (version.change === "DELETED") {
        throw fhirError(410, DELETED, { headers: versionHeaders(version.patient) });
      }
      return answerPatient(c, version.patient, 200);
    },
  );

  app.openapi(
    defineRoute({
      method: "post",
      path: "/Patient",
      audit: "patient.create",
      answers: FHIR_ANSWERS,
      summary: "create: 201 + Location <base>/Patient/{id}/_history/1 (Idempotency-Key honoured)",
      roles: PATIENT_ROLES.write,
      middleware: [requireFhirJson, negotiate],
      idempotency: idempotency({ store: options.keys }),
      request: {
        query: formatOnly,
        body: patientBody,
      },
      responses: {
        201: {
          description: "Created",
          headers: {
            ...versioned,
            Location: { description: "<base>/Patient/{id}/_history/1", schema: { type: "string" } },
            "Possible-Duplicates": {
              description: "How many likely duplicates exist (when any)",
              schema: { type: "integer" },
            },
          },
          content: fhirContent(FhirPatientSchema),
        },
      },
      errors: {
        400: "Invalid (invalid, required) or unstorable (not-supported) elements",
        409: "Email address already exists (code duplicate)",
        422: "Idempotency-Key reused with a different request",
      },
    }),
    async (c) => {
      onlyParams(c, ["_format"]);
      if (c.req.header("If-None-Exist") !== undefined) {
        throw fhirError(400, "Conditional create (If-None-Exist) is not supported", {
          code: "not-supported",
        });
      }
      const { fields } = patientFields(c.req.valid("json"));
      const { patient, possibleDuplicates } = await patients.create(fields, changeContext(c));
      auditCommitted(c);
      return answerPatient(c, patient, 201, {
        Location: `${patientUrl(base, patient.id)}/_history/${patient.version}`,
        ...(possibleDuplicates > 0 && { "Possible-Duplicates": String(possibleDuplicates) }),
      });
    },
  );

  app.openapi(
    defineRoute({
      method: "put",
      path: "/Patient/{id}",
      ...PATIENT_CALLS.update,
      answers: FHIR_ANSWERS,
      summary: "update: replace the Patient (If-Match honoured; no update-as-create)",
      middleware: [requireFhirJson, negotiate],
      request: {
        params: PatientIdParam,
        headers: doc.ifMatchHeaders(
          '`W/"<versionId>"` (or `*`): the update applies only to that version',
        ),
        query: formatOnly,
        body: patientBody,
      },
      responses: {
        200: {
          description: "The updated Patient",
          headers: versioned,
          content: fhirContent(FhirPatientSchema),
        },
      },
      errors: {
        400: "Invalid or unstorable elements, id not the path's, malformed If-Match",
        404: "No such patient (an update never creates)",
        409: "Email address already exists",
        410: "The patient was deleted",
        412: "If-Match names another version; ETag is the current one (code conflict)",
      },
    }),
    async (c) => {
      const { id } = formatOnlyParams(c);
      const { fields, id: bodyId } = patientFields(c.req.valid("json"));
      if (bodyId === undefined) {
        throw fhirError(400, "Patient.id is required in an update", {
          code: "required",
          expression: ["Patient.id"],
        });
      }
      if (typeof bodyId !== "string" || bodyId.toLowerCase() !== id.toLowerCase()) {
        throw fhirError(400, "Patient.id must equal the id in the URL", {
          expression: ["Patient.id"],
        });
      }
      // An update never creates; a deleted patient is gone.
      const updated = await patients.update(id, fields, changeContext(c, true), {
        deleted: "gone",
      });
      return answerPatient(c, committed(c, updated), 200);
    },
  );

  app.openapi(
    defineRoute({
      method: "delete",
      path: "/Patient/{id}",
      ...PATIENT_CALLS.delete,
      answers: FHIR_ANSWERS,
      summary: "delete: 204, also when already deleted (ADMIN; kept, restorable over REST)",
      middleware: [negotiate],
      request: {
        params: PatientIdParam,
        headers: doc.ifMatchHeaders('`W/"<versionId>"` (or `*`): delete only that version'),
        query: formatOnly,
      },
      responses: {
        204: { description: "Deleted (or it was already)" },
      },
      errors: {
        400: "Malformed id or If-Match",
        404: "No such patient",
        ...doc.staleVersion,
      },
    }),
    async (c) => {
      const { id } = formatOnlyParams(c);
      const removed = await patients.remove(id, changeContext(c, true));
      // Deleting what is deleted already is done: 204 again.
      if ("alreadyDeleted" in removed) return c.body(null, 204);
      return c.body(null, 204, { ETag: etagOf(committed(c, removed).version) });
    },
  );

  // Anything else under the base: 405 on a known path (with Allow), else 404 (after the token
  // check, so an anonymous caller learns nothing about which paths exist).
  const ALLOW: [RegExp, string][] = [
    [/\/metadata$/, "GET, HEAD"],
    [/\/Patient$/, "GET, HEAD, POST"],
    [/\/Patient\/[^/]+$/, "GET, HEAD, PUT, DELETE"],
    [/\/Patient\/[^/]+\/_history(\/[^/]+)?$/, "GET, HEAD"],
  ];
  const unmatched: MiddlewareHandler<AppEnv> = (c) => {
    const allow = ALLOW.find(([pattern]) => pattern.test(c.req.path))?.[1];
    if (allow) {
      throw fhirError(405, `Method ${c.req.method} is not allowed here`, {
        headers: { Allow: allow },
      });
    }
    throw fhirError(404, "Not found");
  };
  app.all("/metadata", unmatched);
  app.all("*", authenticate, unmatched);
  return app;
}
