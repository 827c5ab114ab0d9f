import type { Context, MiddlewareHandler } from "hono";
import { matchedRoutes } from "hono/route";
import { auditedPatients, auditNote, requestPatients } from "@pms/audit";
import { type AppEnv, bearerToken, patientPlaces, routeAdmits, routeAuditOf } from "@pms/http";
import { canonicalUuid } from "@pms/ids";
import { maskRestricted, type PatientOf, patientOfRecord } from "../mask_restricted.ts";
import type { Caller, PatientAccess } from "../patient_access.ts";
import { restrictedRecord } from "../restricted_record.ts";

/** Options for {@linkcode restrictedRecords}. */
export interface RestrictedRecordsOptions {
  /** Who may see which patient. */
  access: PatientAccess;
  /**
   * The patient of the record a request acts on when its path does not name the patient (an
   * appointment's, an encounter's), asked before the route runs so that a change to a restricted
   * patient's record is refused before it is made; undefined when there is none.
   */
  recordPatient?: (c: Context<AppEnv>) => Promise<string | undefined>;
  /** Which patient a record of an answer belongs to; defaults to {@linkcode patientOfRecord}. */
  patientOf?: PatientOf;
}

/** What the answering route says of the patients it concerns (see {@linkcode namedPatients}). */
interface Named {
  /** The patients named by the path, the query or the JSON body, when they are UUIDs. */
  ids: string[];
  /** The answer holds other patients' records too (see `PatientNamed.listsOthers`). */
  listsOthers: boolean;
}

// The content types whose body is read for a patient it names (as the route's validator reads it).
const JSON_BODY = /^application\/([\w.+-]+\+)?json\b/i;

/**
 * The patients the answering route names (its audit declaration's `patient` and `also`: path and
 * query parameters, and fields of a JSON body, read through Hono's body cache so that the route's
 * validator and handler read the same body again), `"exempt"` for a route allowed on restricted
 * records (`evenRestricted`), or `"refused"` when the caller's role may not call the route at all:
 * the route answers that itself (`403 {"message":"Forbidden"}`), before anything about the record.
 */
async function namedPatients(c: Context<AppEnv>): Promise<Named | "exempt" | "refused"> {
  const none = { ids: [], listsOthers: false };
  const routes = matchedRoutes(c).filter((r) => r.method !== "ALL");
  const route = routes[0];
  if (!route) return none;
  for (const r of routes) {
    if (r.method !== route.method || r.path !== route.path) break;
    const declared = routeAuditOf(r.handler);
    if (declared === undefined) continue;
    if (!routeAdmits(r.handler, c.get("user")?.role)) return "refused";
    if (typeof declared !== "object" || !("action" in declared) || !declared.patient) return none;
    const named = declared.patient;
    if (named.evenRestricted) return "exempt";
    const places = patientPlaces(named);
    const body = places.some((place) => "body" in place) ? await jsonBody(c) : undefined;
    return {
      ids: requestPatients(c, route.path, places, body),
      listsOthers: named.listsOthers === true,
    };
  }
  return none;
}

/**
 * The request's JSON body, or undefined when it has none or it is not JSON: the route itself then
 * answers `415` or `400`. Hono keeps the text it read, so the route reads the same body again.
 */
async function jsonBody(c: Context): Promise<unknown> {
  if (!JSON_BODY.test(c.req.header("content-type") ?? "")) return undefined;
  return await c.req.json().catch(() => undefined);
}

const UUIDS = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/gi;

const isJson = (res: Response) =>
  /^application\/(fhir\+)?json\b/i.test(res.headers.get("content-type") ?? "");

/**
 * Refuses restricted records and masks them in lists, for every route behind it (after the token
 * check, inside the audit trail so that a refusal is recorded as `DENIED`):
 * - a caller whose role the route does not admit is left to the route's role check (`403
 *   {"message":"Forbidden"}`): nothing is asked about the record first;
 * - before the route: the patients its path, query or JSON body names, and the one
 *   `recordPatient` finds, if restricted to others → `403
 *   {"message":"Record is restricted","breakGlass":true}`;
 * - after any call answered `200` or `201` with JSON whose patient was not checked before (a
 *   list, a change's answer such as a group's members, an `Idempotency-Key` replay): each record
 *   of a patient restricted to others is masked in lists, and an answer whose subject is one is
 *   refused the same way; a read answered `304` is refused when the patient its handler noted is
 *   one;
 * - a record seen through a live break-glass grant puts the grant's id in the request's audit
 *   record (`details.breakGlass`).
 */
export function restrictedRecords(options: RestrictedRecordsOptions): MiddlewareHandler<AppEnv> {
  const patientOf = options.patientOf ?? patientOfRecord;
  return async function restrictedRecords(c, next) {
    const user = c.get("user");
    if (!user || options.access.noneRestricted?.()) return await next();
    const named = await namedPatients(c);
    if (named === "exempt" || named === "refused") return await next();
    const caller: Caller = {
      userId: user.uid,
      token: bearerToken(c),
    };
    const grants: string[] = [];
    const checked = [...named.ids];
    const own = await options.recordPatient?.(c);
    const ownId = canonicalUuid(own);
    if (ownId) checked.push(ownId);
    if (checked.length > 0) {
      const decision = await options.access.decide(checked, caller);
      if (checked.some((id) => decision.hidden.has(id))) throw restrictedRecord();
      for (const id of checked) {
        const grant = decision.grants.get(id);
        if (grant) grants.push(grant);
      }
      if (grants.length > 0) auditNote(c, { details: { breakGlass: grants[0] } });
    }
    await next();
    // A read answered 304 shows no record: whose it is, the handler noted for its audit record.
    if (c.res.status === 304) return await refuseNoted(c, checked, caller, grants.length === 0);
    if ((c.res.status !== 200 && c.res.status !== 201) || !isJson(c.res)) return;
    // The answer of a call whose patient was checked above (one its path, query or body names, or
    // the one its record belongs to) is that patient's record (a patient, its history, its
    // $everything, a change of its appointment), unless the route lists others (duplicates).
    if (checked.length > 0 && !named.listsOthers) return;
    // Read once and answered again from the text: a string body keeps the server's fast path,
    // where a cloned (teed) stream would not.
    const text = await c.res.text();
    const answered = c.res;
    c.res = undefined;
    c.res = new Response(text, answered);
    // Every id the answer mentions is asked about at once, without parsing it: the patients among
    // them are a subset, and only an answer holding a hidden one is parsed and masked.
    const mentioned = [...new Set((text.match(UUIDS) ?? []).map((id) => id.toLowerCase()))]
      .filter((id) => !checked.includes(id));
    if (mentioned.length === 0) return;
    const decision = await options.access.decide(mentioned, caller);
    if (grants.length === 0) {
      const grant = mentioned.map((id) => decision.grants.get(id)).find(Boolean);
      if (grant) auditNote(c, { details: { breakGlass: grant } });
    }
    if (decision.hidden.size === 0) return;
    let body: unknown;
    try {
      body = JSON.parse(text);
    } catch {
      return;
    }
    const result = maskRestricted(body, patientOf).apply(decision.hidden);
    if (result.refused) throw restrictedRecord();
    if (result.body === undefined) return;
    const { status } = c.res;
    const headers = new Headers(c.res.headers);
    headers.delete("content-length");
    headers.delete("etag");
    c.res = undefined;
    c.res = new Response(JSON.stringify(result.body), { status, headers });
  };

  /**
   * Refuses a `304` whose record belongs to a patient restricted to the caller (its handler noted
   * the patient for the audit record before answering), so that `If-None-Match` tells nothing of
   * a record the caller may not read; notes a live grant that opened it.
   */
  async function refuseNoted(c: Context<AppEnv>, checked: string[], caller: Caller, note: boolean) {
    const noted = auditedPatients(c).filter((id) => !checked.includes(id));
    if (noted.length === 0) return;
    const decision = await options.access.decide(noted, caller);
    if (decision.hidden.size > 0) throw restrictedRecord();
    const grant = noted.map((id) => decision.grants.get(id)).find(Boolean);
    if (note && grant) auditNote(c, { details: { breakGlass: grant } });
  }
}
