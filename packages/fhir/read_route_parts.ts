import { z } from "@hono/zod-openapi";

/** The `{id}` of a read, as text: a malformed id is answered `404` by the route itself. */
export const FhirIdParam = z.object({
  id: z.string().openapi({ param: { name: "id", in: "path" } }),
});

/** A search's query as OpenAPI declares it: the routes check their own parameters (`onlyParams`). */
export const FhirAnyQuery = z.object({}).passthrough();

/** A route's `200` answer: a FHIR resource or Bundle (`application/fhir+json`). */
export function fhirResourceAnswer(description: string) {
  return {
    200: { description, content: { "application/fhir+json": { schema: z.object({}) } } },
  };
}
