import type { OpenAPIHono } from "@hono/zod-openapi";
import { type AppEnv, unaudited } from "@pms/http";

/** What {@linkcode serveFhirDocument} says of a service's FHIR paths. */
export interface FhirDocumentInfo {
  /** The document's name: served at `/v3/api-docs/<name>` (the catalog route's `docs`). */
  name: string;
  title: string;
  description: string;
}

/**
 * Serves the OpenAPI 3.1 document of a service's FHIR routes (`fhir`, mounted at `/fhir/R4`
 * through a plain Hono app so that the REST document never holds them) on `app` at
 * `/v3/api-docs/<name>`, with the bearer scheme its routes name; built once, here.
 */
export function serveFhirDocument(
  app: OpenAPIHono<AppEnv>,
  fhir: OpenAPIHono<AppEnv>,
  info: FhirDocumentInfo,
): void {
  fhir.openAPIRegistry.registerComponent("securitySchemes", "bearerAuth", {
    type: "http",
    scheme: "bearer",
    bearerFormat: "JWT",
  });
  const document = fhir.getOpenAPI31Document({
    openapi: "3.1.0",
    info: { title: info.title, version: "1.0.0", description: info.description },
    servers: [{ url: "/fhir/R4", description: "Through the gateway" }],
  });
  app.get(
    `/v3/api-docs/${info.name}`,
    unaudited("the public FHIR API description: no caller, no data"),
    (c) => c.json(document),
  );
}
