/**
 * The OpenAPI pieces every service's routes share: the `Message` and `FieldErrors` error bodies,
 * JSON content, and the responses any guarded route or route with a body may give.
 *
 * @module
 */
import { z } from "@hono/zod-openapi";

/** `{"message": "..."}`: every error that is not a field validation. */
export const Message = z.object({ message: z.string() }).openapi("Message");

/** `{"field": "message"}`: a validation error per invalid field. */
export const FieldErrors = z.record(z.string(), z.string()).openapi("FieldErrors", {
  example: { name: "Name is required", email: "Email should be valid" },
});

/** `{"application/json": {schema}}`, the content of a JSON request or response. */
export function jsonContent<T extends z.ZodType>(schema: T): {
  "application/json": { schema: T };
} {
  return { "application/json": { schema } };
}

/** The security requirement of a route that needs a bearer token. */
export const bearerSecurity: { bearerAuth: string[] }[] = [{ bearerAuth: [] }];

/** What every token-guarded route can answer besides its own results. */
export const guardedResponses = {
  401: {
    description: "Missing, malformed or invalid bearer token",
    content: jsonContent(Message),
  },
  503: {
    description: "The database or the token keys are unavailable; see Retry-After",
    content: jsonContent(Message),
  },
};

/** What a route with a JSON body can answer before the body is read. */
export const bodyResponses = {
  413: { description: "The body is larger than the limit", content: jsonContent(Message) },
  415: {
    description: "The Content-Type is not application/json",
    content: jsonContent(Message),
  },
};
