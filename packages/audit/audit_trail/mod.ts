import type { Context, MiddlewareHandler } from "hono";
import { matchedRoutes } from "hono/route";
import { v7 as uuidv7 } from "uuid";
import {
  type AppEnv,
  clientAddress,
  FHIR_JSON,
  isFhirResponse,
  operationOutcome,
  type PatientPlace,
  patientPlaces,
  type RouteAudit,
  routeAuditOf,
} from "@pms/http";
import type { AuditNote, AuditOutcome, AuditRecord } from "../audit_record.ts";
import type { AuditRecorder } from "../audit_recorder.ts";
import { outcomeOf } from "../outcome_of.ts";
import { requestPatients } from "../request_patients.ts";

/** What a request's handlers may tell the trail (see {@linkcode auditNote}). */
export interface RequestAudit {
  /** Adds patients, details or the actor to the request's record. */
  note(note: AuditNote): void;
  /** The patients the request's record names so far (the route's and its handler's notes). */
  patients(): string[];
  /** The request's `SUCCESS` record, for a change to insert in its own transaction. */
  changeRecord(note: AuditNote): AuditRecord;
  /**
   * Says that record was committed with the change: when the response succeeds the trail then
   * writes nothing more (a change that failed, or changed nothing, is recorded by the trail).
   */
  committed(): void;
}

declare module "hono" {
  interface ContextVariableMap {
    /** Set by {@linkcode auditTrail} on audited routes. */
    audit: RequestAudit | undefined;
  }
}

/**
 * A route's action; as an object it may also name the patient the request is about (a path
 * parameter, a query parameter or a field of the JSON body, taken when it is a UUID: a denied or
 * failed call names it too), or be recorded only with one outcome (`analytics.read`: denials).
 * A route made by `defineRoute` declares it itself.
 */
export type AuditAction = RouteAudit;

// The largest body the trail reads itself to name a patient (one a validator parsed is kept).
const MAX_NAMING_BODY = 16 * 1024;

/**
 * The JSON body, when the route parsed it already (Hono keeps it), or else when it declares a
 * small JSON body: a denied call's body is not read if it may be large (the body limit may not
 * have run before a 401).
 */
async function smallJsonBody(c: Context): Promise<unknown> {
  if (c.req.bodyCache.json === undefined) {
    const type = (c.req.header("content-type") ?? "").split(";")[0]!.trim().toLowerCase();
    const length = Number(c.req.header("content-length") ?? Number.NaN);
    if (type !== "application/json" || !(length >= 0 && length <= MAX_NAMING_BODY)) return;
  }
  return await c.req.json().catch(() => undefined);
}

/** The places of the JSON body a route names its patients in (see `PatientNamed`). */
function bodyPlaces(entry: AuditAction): PatientPlace[] {
  if (typeof entry === "string") return [];
  return patientPlaces(entry.patient).filter((place) => "body" in place);
}

/** Options for {@linkcode auditTrail}. */
export interface AuditTrailOptions {
  /** The recording service's name. */
  service: string;
  recorder: AuditRecorder;
  /**
   * Audited routes as `"METHOD /path/:param"` (the route's own path) → action, for routes that do
   * not declare their own (`defineRoute`'s `audit`, which wins).
   */
  actions?: Record<string, AuditAction>;
  /** Take the client address from `X-Forwarded-For` (the gateway appends it); default true. */
  trustProxy?: boolean;
}

/** Adds to the request's audit record (no-op on a route the trail does not audit). */
export function auditNote(c: Context, note: AuditNote): void {
  c.get("audit")?.note(note);
}

/**
 * The patients the request's audit record names so far (empty on an unaudited route): a read
 * answered `304` shows no record, but its handler noted whose it is.
 */
export function auditedPatients(c: Context): string[] {
  return c.get("audit")?.patients() ?? [];
}

/** The request's record for a change's own transaction, or undefined on an unaudited route. */
export function auditChange(c: Context, note: AuditNote = {}): AuditRecord | undefined {
  return c.get("audit")?.changeRecord(note);
}

/** Tells the trail the change's record went in with the change (see `auditChange`). */
export function auditCommitted(c: Context): void {
  c.get("audit")?.committed();
}

/**
 * The route that answers (the first matched one bound to a method: middleware is `ALL`) and its
 * action: the one its handlers declare, else the one `actions` names; none for an exempt route.
 */
function answeringRoute(
  c: Context,
  actions: Map<string, AuditAction>,
): { path: string; entry: AuditAction | undefined } | undefined {
  const routes = matchedRoutes(c).filter((r) => r.method !== "ALL");
  const route = routes[0];
  if (!route) return undefined;
  for (const r of routes) {
    if (r.method !== route.method || r.path !== route.path) break;
    const declared = routeAuditOf(r.handler);
    if (declared === undefined) continue;
    const exempt = typeof declared === "object" && "exempt" in declared;
    return { path: route.path, entry: exempt ? undefined : declared };
  }
  return { path: route.path, entry: actions.get(`${route.method} ${route.path}`) };
}

// Details only the services write: a query parameter of that name is not copied into a record
// (a client must not mark its call as made under a break-glass grant, or as a FHIR call).
const SERVER_DETAILS = new Set(["breakGlass", "api", "invalidPatientIds"]);

const UNAVAILABLE_MESSAGE = "Audit trail unavailable; try again";
const UNAVAILABLE = JSON.stringify({ message: UNAVAILABLE_MESSAGE });
// The same for a FHIR interaction, whose errors are all OperationOutcomes.
const UNAVAILABLE_FHIR = JSON.stringify(
  operationOutcome([{ severity: "error", code: "exception", diagnostics: UNAVAILABLE_MESSAGE }]),
);

/**
 * Records every call to an audited route with its outcome, after the route has answered and
 * before the answer leaves: a read is not disclosed until its record is committed (when that
 * fails the client gets `503` instead, an OperationOutcome if the answer was FHIR). 401s and 403s
 * are recorded as `DENIED` with the route's action. A change inserts its record in its own
 * transaction instead (`auditChange`, `auditCommitted`).
 */
export function auditTrail(options: AuditTrailOptions): MiddlewareHandler<AppEnv> {
  const actions = new Map(Object.entries(options.actions ?? {}));
  const trustProxy = options.trustProxy ?? true;
  return async function auditTrail(c, next) {
    const route = answeringRoute(c, actions);
    const entry = route?.entry;
    if (!route || entry === undefined) return next();
    const { action, only } = typeof entry === "string" ? { action: entry, only: undefined } : entry;
    // The patients its path and query name (those of its body are read once it has answered).
    const note: AuditNote = {
      patientIds: typeof entry === "string"
        ? []
        : requestPatients(c, route.path, patientPlaces(entry.patient)),
    };
    // Whether the route named the record's patients itself (its note wins over the body's).
    let routeNamed = false;
    let changeRecorded = false;
    const address = clientAddress(c, trustProxy);
    const build = (outcome: AuditOutcome): AuditRecord => {
      const user = c.get("user");
      const actor = note.actor !== undefined
        ? note.actor
        : user
        ? { userId: user.uid ?? null, email: user.sub, role: user.role ?? null }
        : null;
      return {
        // Time-ordered (UUIDv7): the audit store's unique index on ids grows at its end instead
        // of touching random pages.
        id: uuidv7(),
        time: new Date().toISOString(),
        actor,
        action: note.action ?? action,
        outcome,
        patientIds: note.patientIds ?? [],
        service: options.service,
        clientAddress: address === "unknown" ? null : address,
        requestId: c.get("requestId") ?? null,
        traceId: c.get("traceId") ?? null,
        details: note.details ?? {},
      };
    };
    // Details add up: a later note's keys join the earlier ones' (a break-glass grant noted by
    // the access check stays when the route notes its own details).
    const add = (more: AuditNote) => {
      if (more.patientIds !== undefined) routeNamed = true;
      const details = more.details && { ...note.details, ...more.details };
      Object.assign(note, more, details && { details });
    };
    c.set("audit", {
      note: add,
      patients: () => [...note.patientIds ?? []],
      changeRecord(more) {
        add(more);
        return build("SUCCESS");
      },
      committed: () => void (changeRecorded = true),
    });
    await next();
    const outcome = outcomeOf(c.res.status);
    if (changeRecorded && outcome === "SUCCESS") return;
    if (only && only !== outcome) return;
    // A search refused or failed before its handler noted its query keeps the query as sent
    // (what cannot be stored as given is redacted or cut when the record is normalised).
    if (outcome !== "SUCCESS" && (note.action ?? action).endsWith(".search")) {
      const noted = note.details ?? {};
      const sent = Object.entries(c.req.queries())
        .filter(([name]) => !(name in noted) && !SERVER_DETAILS.has(name));
      if (sent.length > 0) {
        const given = sent.map((
          [name, values],
        ) => [name, values.length === 1 ? values[0] : values]);
        note.details = { ...Object.fromEntries(given), ...noted };
      }
    }
    // Patients named in the body are read once the route has answered (the route's own note of
    // them wins): a denied call's body has not been read yet.
    const places = bodyPlaces(entry);
    if (places.length > 0 && !routeNamed) {
      const ids = note.patientIds ?? [];
      const named = requestPatients(c, route.path, places, await smallJsonBody(c));
      for (const id of named) if (!ids.includes(id)) ids.push(id);
      note.patientIds = ids;
    }
    try {
      await options.recorder.record(build(outcome));
    } catch (error) {
      c.get("logger")?.error("audit record not committed; the answer is withheld", {
        err: error,
        action,
      });
      const fhir = isFhirResponse(c.res);
      await c.res.body?.cancel().catch(() => {});
      c.res = undefined;
      c.res = new Response(fhir ? UNAVAILABLE_FHIR : UNAVAILABLE, {
        status: 503,
        headers: {
          "content-type": fhir ? FHIR_JSON : "application/json",
          "retry-after": "1",
          "cache-control": "no-store",
          "x-request-id": c.get("requestId") ?? "",
        },
      });
    }
  };
}
