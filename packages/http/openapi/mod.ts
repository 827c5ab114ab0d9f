/**
 * The OpenAPI pieces every service's routes share: the `Message` and `FieldErrors` error bodies,
 * JSON content, and the responses any guarded route or route with a body may give.
 *
 * @module
 */
import { z } from "@hono/zod-openapi";

export { pageOf } from "./page_of.ts";

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

/**
 * What a creating POST under `Idempotency-Key` can answer besides its own results: `409` (the
 * key's first request still running, and the route's own conflicts, said in `conflict`) and `422`.
 */
export function idempotentResponses(conflict = "The key's first request is still running") {
  return {
    409: { description: conflict, content: jsonContent(Message) },
    422: {
      description: "Idempotency-Key reused with a different request",
      content: jsonContent(Message),
    },
  };
}

/**
 * The paging parameters every list shares, as query-schema fields: `page` (0-based) and `size`
 * (1 to `maxSize`), both optional, as text the way a query carries them.
 */
export function pageParams(maxSize: number, defaultSize?: number) {
  const sizeMessage = `size must be a whole number from 1 to ${maxSize}`;
  return {
    page: z.string().regex(/^\d{1,6}$/, "page must be a whole number from 0").optional()
      .openapi({ description: "0-based page number", example: "0" }),
    size: z.string().regex(/^\d{1,4}$/, sizeMessage)
      .refine((s) => Number(s) >= 1 && Number(s) <= maxSize, { message: sizeMessage })
      .optional().openapi(defaultSize ? { example: String(defaultSize) } : {}),
  };
}

/**
 * A list's query schema: its `filters` (each optional), then `page` and `size` as
 * {@linkcode pageParams} declares them.
 */
export function listQuery<F extends z.ZodRawShape>(
  filters: F,
  paging: { maxSize: number; defaultSize: number },
) {
  return z.object(filters).extend(pageParams(paging.maxSize, paging.defaultSize));
}

/** A list's optional `patientId` filter. */
export const patientIdFilter = z.guid({ error: "patientId must be a patient id" }).optional();

/** A list's optional filter `name`, one of `values` (`400 "<name> must be one of …"` otherwise). */
export function enumFilter<const T extends readonly [string, ...string[]]>(
  name: string,
  values: T,
) {
  return z.enum(values, { error: `${name} must be one of ${values.join(", ")}` }).optional();
}

/** The `400` of a list, as a route's `errors` entry. */
export const badFilter = { 400: "A bad filter or paging value" } as const;

/** A list's `400`, and its `404` for a `patientId` filter naming no patient, as `errors`. */
export const patientFilterErrors = {
  ...badFilter,
  403: "The role may not search these records, or the patientId filter names a patient " +
    'restricted to others (`{"message":"Record is restricted","breakGlass":true}`)',
  404: "Patient not found (the patientId filter names no patient, or a deleted one)",
} as const;

/** The `Idempotency-Key` request header of a creating POST, as a header schema. */
export const idempotencyKeyHeaders = z.object({
  "idempotency-key": z.string().optional().openapi({
    description: "1–255 visible ASCII; a retry with it replays the first answer (24 h)",
  }),
});

/** The `If-Match` request header of a change, as a header schema (`description` says which). */
export function ifMatchHeaders(
  description = "`*` or entity tags: the change applies only to that version",
) {
  return z.object({ "if-match": z.string().optional().openapi({ description }) });
}

/**
 * The `{id}` path parameter of a record, a UUID: `400 {"id": "Invalid <noun> id"}` otherwise.
 */
export function idParam(noun: string) {
  return z.object({
    id: z.guid({ error: `Invalid ${noun} id` }).openapi({ param: { name: "id", in: "path" } }),
  });
}

/** The `412` of a change under `If-Match`, as a route's `errors` entry. */
export const staleVersion = { 412: "If-Match names another version" } as const;

/** The `ETag` response header of a versioned resource. */
export const etagHeader = {
  ETag: { description: 'The version, `W/"<version>"`', schema: { type: "string" as const } },
};

/** The `304` of a read under `If-None-Match`, as a route's `responses` entry. */
export const notModifiedAnswer = {
  304: {
    description: 'Not modified: If-None-Match (`W/"<version>"`, a list of tags, or `*`) names ' +
      "the current version; no body",
    headers: etagHeader,
  },
};

/**
 * A page of a list: `200` with the JSON array, its `X-Total-Count` and its `Link` (first, prev,
 * next, last).
 */
export function pagedList<T extends z.ZodType>(item: T, description: string) {
  return {
    200: {
      description,
      headers: {
        "X-Total-Count": {
          description: "How many match in all",
          schema: { type: "integer" as const },
        },
        Link: {
          description: "RFC 8288 links to the first, previous, next and last pages",
          schema: { type: "string" as const },
        },
      },
      content: jsonContent(z.array(item)),
    },
  };
}

/**
 * A required PATCH body taken as `application/json` or `application/merge-patch+json` (RFC
 * 7396), both with `schema`.
 */
export function patchBody<T extends z.ZodType>(schema: T) {
  return {
    required: true,
    content: {
      "application/json": { schema },
      "application/merge-patch+json": { schema },
    },
  };
}

/** A required JSON request body of `schema`. */
export function jsonBody<T extends z.ZodType>(schema: T) {
  return { required: true, content: jsonContent(schema) };
}

/** Response headers as OpenAPI describes them. */
export type ResponseHeaders = Record<
  string,
  { description: string; schema: { type: "string" | "integer" } }
>;

/** An answer with a JSON body of `schema` (and its response headers, if any). */
export function answer<T extends z.ZodType>(
  description: string,
  schema: T,
  headers?: ResponseHeaders,
): {
  description: string;
  content: { "application/json": { schema: T } };
  headers?: ResponseHeaders;
} {
  return { description, content: jsonContent(schema), ...(headers && { headers }) };
}

/** A `400` answer with {@linkcode FieldErrors}: each invalid field with its message. */
export function invalidFields(description: string) {
  return answer(description, FieldErrors);
}

/** A record of a restricted patient the caller may not see, as lists show it. */
export const RestrictedRecord = z.object({
  id: z.string(),
  restricted: z.literal(true),
}).openapi("RestrictedRecord", {
  description: "A record of a patient restricted to others: only its id, so totals stay true",
});

/** A group member the caller may not see (a restricted patient). */
export const RestrictedMember = z.object({
  patientId: z.string(),
  restricted: z.literal(true),
}).openapi("RestrictedMember");

/** A list item that is `item`, or its restricted mask ({@linkcode RestrictedRecord}). */
export function orRestricted<T extends z.ZodType>(item: T) {
  return z.union([item, RestrictedRecord]);
}
