import assert from "node:assert/strict";
import type { OpenAPIHono } from "@hono/zod-openapi";
import { type AppEnv, routeAudits } from "@pms/http";
import { testServiceApp } from "@pms/testing";
import catalog from "./catalog.json" with { type: "json" };
import { capabilityStatement } from "./patient/fhir/fhir_capability.ts";

/** What a manifest is read for here: its name, its routes and whether it keeps an audit trail. */
interface Manifest {
  topology: { name: string };
  routes(app: OpenAPIHono<AppEnv>, deps: never): void;
  audit?: unknown;
}

// Every service the catalog lists, as its manifest (`services/<name>/service.ts` exports it by
// its name): a new service is walked without being named here.
const MANIFESTS: Manifest[] = await Promise.all(
  catalog.services.map(async ({ name }) =>
    (await import(`./${name}/service.ts`) as Record<string, Manifest>)[name]!
  ),
);
const AUDITED = MANIFESTS.filter((manifest) => manifest.audit !== undefined);

// Mounting routes builds schemas and middleware; no handler runs. Every dependency is an inert
// stand-in, except the numbers a schema is built from.
const inert: unknown = new Proxy(function inert() {}, {
  get: (_target, key) => key === "then" ? undefined : key === Symbol.toPrimitive ? () => 50 : inert,
  apply: () => inert,
});
const deps = new Proxy({
  paging: { defaultSize: 20, maxSize: 100 },
  maxBodyBytes: 1024,
  currency: "USD",
  fhirBaseUrl: "http://localhost/fhir/R4",
  publicKeys: [],
}, { get: (known, key) => (key in known ? known[key as keyof typeof known] : inert) });

/** Each of a service's routes as `METHOD /path` → its audit action or exemption, if any. */
function auditsOf(manifest: Manifest): Map<string, unknown> {
  const app = testServiceApp((app) => manifest.routes(app, deps as never));
  return new Map<string, unknown>(routeAudits(app));
}

Deno.test("every service but the gateway (a proxy with no routes of its own) keeps an audit trail", () => {
  const unaudited = MANIFESTS.filter((m) => m.audit === undefined).map((m) => m.topology.name);
  assert.deepEqual(unaudited, ["gateway"]);
});

for (const manifest of AUDITED) {
  Deno.test(`routeAudits() finds an audit action or exemption on every ${manifest.topology.name} route`, () => {
    const audits = auditsOf(manifest);
    assert.ok(audits.size > 0);
    const unaudited = [...audits].filter(([, audit]) => audit === undefined).map(([r]) => r);
    assert.deepEqual(unaudited, [], `routes that may answer unaudited: ${unaudited.join(", ")}`);
  });
}

// Each FHIR interaction the CapabilityStatement announces, as the service and route that serve it.
const INTERACTION_ROUTES: Record<string, [string, string]> = {
  "Patient read": ["patient", "GET /fhir/R4/Patient/:id"],
  "Patient vread": ["patient", "GET /fhir/R4/Patient/:id/_history/:vid"],
  "Patient history-instance": ["patient", "GET /fhir/R4/Patient/:id/_history"],
  "Patient search-type": ["patient", "GET /fhir/R4/Patient"],
  "Patient create": ["patient", "POST /fhir/R4/Patient"],
  "Patient update": ["patient", "PUT /fhir/R4/Patient/:id"],
  "Patient delete": ["patient", "DELETE /fhir/R4/Patient/:id"],
  "Appointment read": ["scheduling", "GET /fhir/R4/Appointment/:id"],
  "Appointment search-type": ["scheduling", "GET /fhir/R4/Appointment"],
  "Schedule read": ["scheduling", "GET /fhir/R4/Schedule/:id"],
  "Schedule search-type": ["scheduling", "GET /fhir/R4/Schedule"],
  "Slot search-type": ["scheduling", "GET /fhir/R4/Slot"],
  "Encounter read": ["clinical", "GET /fhir/R4/Encounter/:id"],
  "Encounter search-type": ["clinical", "GET /fhir/R4/Encounter"],
  "Observation read": ["clinical", "GET /fhir/R4/Observation/:id"],
  "Observation search-type": ["clinical", "GET /fhir/R4/Observation"],
  "system $export": ["patient", "GET /fhir/R4/$export"],
  "Patient $everything": ["patient", "GET /fhir/R4/Patient/:id/$everything"],
  "Group $export": ["patient", "GET /fhir/R4/Group/:id/$export"],
};

Deno.test("routeAudits() finds an audit action on every FHIR interaction and operation the CapabilityStatement announces", () => {
  const statement = capabilityStatement("http://localhost/fhir/R4", "2026-01-01") as {
    rest: {
      operation?: { name: string }[];
      resource: {
        type: string;
        interaction?: { code: string }[];
        operation?: { name: string }[];
      }[];
    }[];
  };
  const interactions = statement.rest.flatMap((rest) => [
    ...(rest.operation ?? []).map((o) => `system $${o.name}`),
    ...rest.resource.flatMap((r) => [
      ...(r.interaction ?? []).map((i) => `${r.type} ${i.code}`),
      ...(r.operation ?? []).map((o) => `${r.type} $${o.name}`),
    ]),
  ]);
  assert.deepEqual(interactions.sort(), Object.keys(INTERACTION_ROUTES).sort());
  const audits = new Map(
    AUDITED.map((m) => [m.topology.name, auditsOf(m)] as const),
  );
  for (const interaction of interactions) {
    const [service, route] = INTERACTION_ROUTES[interaction]!;
    const audit = audits.get(service)?.get(route);
    const action = typeof audit === "string" ? audit : (audit as { action?: string })?.action;
    assert.ok(action, `${interaction} (${service} ${route}) is not audited`);
  }
});
