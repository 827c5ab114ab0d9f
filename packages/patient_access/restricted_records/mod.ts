import type { Context, MiddlewareHandler } from "hono";
import { matchedRoutes } from "hono/route";
import { auditNote } from "@pms/audit";
import { type AppEnv, routeAuditOf } from "@pms/http";
import { isUuid } from "@pms/ids";
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

/**
 * The patients the answering route names by a path or query parameter (its audit declaration's
 * `patient`), or `"exempt"` for a route allowed on restricted records (`evenRestricted`).
 */
function namedPatients(c: Context): string[] | "exempt" {
  const routes = matchedRoutes(c).filter((r) => r.method !== "ALL");
  const route = routes[0];
  if (!route) return [];
  for (const r of routes) {
    if (r.method !== route.method || r.path !== route.path) break;
    const declared = routeAuditOf(r.handler);
    if (declared === undefined) continue;
    if (typeof declared !== "object" || !("action" in declared) || !declared.patient) return [];
    const named = declared.patient;
    if (named.evenRestricted) return "exempt";
    let value: string | undefined;
    if ("query" in named) value = c.req.query(named.query);
    else if ("param" in named) {
      const at = route.path.split("/").indexOf(`:${named.param}`);
      value = at < 0 ? undefined : c.req.path.split("/")[at];
    }
    return isUuid(value) ? [value.toLowerCase()] : [];
  }
  return [];
}

const isJson = (res: Response) =>
  /^application\/(fhir\+)?json\b/i.test(res.headers.get("content-type") ?? "");

/**
 * Refuses restricted records and masks them in lists, for every route behind it (after the token
 * check, inside the audit trail so that a refusal is recorded as `DENIED`):
 * - before the route: the patient its path or query names, and the one `recordPatient` finds, if
 *   restricted to others → `403 {"message":"Record is restricted","breakGlass":true}`;
 * - after a `GET` answered `200` with JSON: each record of a patient restricted to others is
 *   masked in lists, and an answer whose subject is one is refused the same way;
 * - a record seen through a live break-glass grant puts the grant's id in the request's audit
 *   record (`details.breakGlass`).
 */
export function restrictedRecords(options: RestrictedRecordsOptions): MiddlewareHandler<AppEnv> {
  const patientOf = options.patientOf ?? patientOfRecord;
  return async function restrictedRecords(c, next) {
    const user = c.get("user");
    const named = namedPatients(c);
    if (!user || named === "exempt") return await next();
    const caller: Caller = {
      userId: user.uid,
      token: (c.req.header("authorization") ?? "").replace(/^Bearer\s+/i, ""),
    };
    const grants: string[] = [];
    const checked = [...named];
    const own = await options.recordPatient?.(c);
    if (isUuid(own)) checked.push(own.toLowerCase());
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
    if (c.req.method !== "GET" || c.res.status !== 200 || !isJson(c.res)) return;
    const text = await c.res.clone().text();
    // The answer of a route naming its patient is that patient's record (a patient, its history,
    // its $everything), checked above, unless it is a list (duplicates: other patients).
    if (named.length > 0 && !text.trimStart().startsWith("[")) return;
    let body: unknown;
    try {
      body = JSON.parse(text);
    } catch {
      return;
    }
    const answer = maskRestricted(body, patientOf);
    const unchecked = answer.patientIds.filter((id) => !checked.includes(id));
    if (unchecked.length === 0) return;
    const decision = await options.access.decide(unchecked, caller);
    const result = answer.apply(decision.hidden);
    if (result.refused) throw restrictedRecord();
    if (grants.length === 0) {
      const grant = unchecked.map((id) => decision.grants.get(id)).find(Boolean);
      if (grant) auditNote(c, { details: { breakGlass: grant } });
    }
    if (result.body === undefined) return;
    const headers = new Headers(c.res.headers);
    headers.delete("content-length");
    headers.delete("etag");
    c.res = undefined;
    c.res = new Response(JSON.stringify(result.body), { status: 200, headers });
  };
}
