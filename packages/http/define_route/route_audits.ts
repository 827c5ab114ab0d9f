import { routeAuditOf } from "./route_audit.ts";
import type { AuditDeclaration } from "./route_audit.ts";

/** The part of a Hono app {@linkcode routeAudits} reads. */
export interface RoutedApp {
  routes: { method: string; path: string; handler: unknown }[];
}

/**
 * Every route an app answers with a method (`"GET /patients/:id"`, the full path as mounted) →
 * what it declares about its audit, or undefined when it declares nothing: a route that may
 * answer without an audit action or a declared exemption. Middleware (`ALL`) is not a route.
 */
export function routeAudits(app: RoutedApp): Map<string, AuditDeclaration | undefined> {
  const audits = new Map<string, AuditDeclaration | undefined>();
  for (const route of app.routes) {
    if (route.method === "ALL") continue;
    const key = `${route.method} ${route.path}`;
    audits.set(key, audits.get(key) ?? routeAuditOf(route.handler));
  }
  return audits;
}
