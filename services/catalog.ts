/**
 * The system's topology, declared once in `catalog.json` (plain data, so Terraform reads the same
 * file): every service's ports, database, topics, calls and gateway routes. `deno task dev`, the
 * test system, the compose and deploy tests, the bench and the gateway's upstream table take it
 * from here; each service's manifest (`services/<name>/service.ts`) takes its own entry.
 *
 * It imports no service code, so the gateway can read it without loading the other services.
 *
 * @module
 */
import { type Catalog, parseCatalog, type ServiceTopology } from "@pms/topology";
import data from "./catalog.json" with { type: "json" };

/**
 * The catalog: services in start order, topics and the V8 heap limits; validated against its
 * schema when loaded (`parseCatalog`), so a bad entry stops every importer with the field's path.
 */
export const catalog: Catalog = parseCatalog(data);

/** One service's entry; throws for a name the catalog does not list. */
export function topology(name: string): ServiceTopology {
  const spec = catalog.services.find((s) => s.name === name);
  if (!spec) throw new Error(`services/catalog.json lists no service named ${name}`);
  return spec;
}

/** The consumer group `spec` reads `topic` in, as the catalog declares it. */
export function groupOf(spec: ServiceTopology, topic: string): string {
  const group = spec.consumes?.find((c) => c.topic === topic)?.group;
  if (!group) throw new Error(`services/catalog.json: ${spec.name} does not consume ${topic}`);
  return group;
}

/** The loopback URL of a service at its catalog port: the default address of every call. */
export function loopbackUrl(name: string): string {
  return `http://127.0.0.1:${topology(name).port}`;
}

/** Auth's JWKS at its loopback address: the default `AUTH_JWKS_URL` of every token verifier. */
export function loopbackJwksUrl(): string {
  return `${loopbackUrl("auth")}/.well-known/jwks.json`;
}

/** The FHIR base through the gateway on localhost: the default `FHIR_BASE_URL` of every FHIR server. */
export function gatewayFhirBase(): string {
  return `http://localhost:${topology("gateway").port}/fhir/R4`;
}
