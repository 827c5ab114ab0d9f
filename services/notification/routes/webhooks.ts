import { OpenAPIHono, z } from "@hono/zod-openapi";
import { auditNote } from "@pms/audit";
import {
  answerVersion,
  type AppEnv,
  clientPath,
  defineRoute,
  DomainError,
  expectedVersions,
  idempotency,
  type IdempotencyStore,
  ignoringReadOnly,
  isSafeText,
  notFound,
  pagedJson,
  type Paging,
  resourceApp,
} from "@pms/http";
import * as doc from "@pms/http/openapi";
import type { WebhookStore } from "../store/webhook_store.ts";
import { checkDestination, type Resolve } from "../webhooks/destination.ts";
import { newSecret } from "../webhooks/signature.ts";
import { WEBHOOK_EVENT_TYPES } from "../webhooks/webhook_event.ts";

const ADMIN = ["ADMIN"] as const;
const NOT_FOUND = "Webhook not found";
const events = z.array(
  z.enum(WEBHOOK_EVENT_TYPES, {
    error: `events must be some of ${WEBHOOK_EVENT_TYPES.join(", ")}`,
  }),
  { error: "events must be a list of event types" },
).min(1, "events must name at least one event type").max(20);
const url = z.string({ error: "url is required" }).max(2048, "url is too long")
  .refine(isSafeText, "url contains invalid characters");

const CreateWebhook = z.strictObject({
  url,
  events,
  description: z.string().max(255, "description must be at most 255 characters")
    .refine(isSafeText, "description contains invalid characters").nullish(),
}).openapi("CreateWebhookRequest");
const PatchWebhook = ignoringReadOnly(z.strictObject({
  url: url.optional(),
  events: events.optional(),
  active: z.boolean({ error: "active must be true or false" }).optional(),
})).openapi("PatchWebhookRequest");
const Webhook = z.object({
  id: z.string(),
  url: z.string(),
  events: z.array(z.string()),
  description: z.string().nullable(),
  active: z.boolean(),
  version: z.number().int(),
  createdAt: z.string(),
  updatedAt: z.string(),
}).openapi("Webhook");
const etag = doc.etagHeader;
const Delivery = z.object({
  id: z.string(),
  eventId: z.string(),
  type: z.string(),
  status: z.enum(["PENDING", "DELIVERED", "FAILED"]),
  attempts: z.number().int(),
  lastStatusCode: z.number().int().nullable(),
  lastError: z.string().nullable(),
  nextAttemptAt: z.string().nullable(),
  deliveredAt: z.string().nullable(),
  version: z.number().int().openapi({
    description:
      "1 when queued, +1 with each attempt's outcome, redelivery once finished, or withdrawal",
  }),
  createdAt: z.string().openapi({ description: "When the event was queued for the webhook" }),
  updatedAt: z.string().openapi({ description: "When it last changed" }),
}).openapi("WebhookDelivery");
const IdParam = doc.idParam("webhook");
const DeliveryParams = IdParam.extend({
  deliveryId: z.guid({ error: "Invalid delivery id" }).openapi({
    param: { name: "deliveryId", in: "path" },
  }),
});

/** What the webhook routes need. */
export interface WebhookRoutesOptions {
  store: WebhookStore;
  /** The `Idempotency-Key` answers of a registration. */
  keys: IdempotencyStore;
  /** `WEBHOOK_ALLOW_INSECURE`. */
  allowInsecure: boolean;
  paging: Paging;
  /** Wakes the sender (a ping or a redelivery is due at once). */
  wake(): void;
  resolve?: Resolve;
}

/**
 * `/webhooks`: an ADMIN's registrations of signed event deliveries (Standard Webhooks), their
 * deliveries, redelivery, ping and secret rotation.
 */
export function webhookRoutes(options: WebhookRoutesOptions): OpenAPIHono<AppEnv> {
  const { store } = options;
  const app = resourceApp();
  const checkUrl = async (value: string) => {
    const refusal = await checkDestination(value, {
      allowInsecure: options.allowInsecure,
      resolve: options.resolve,
      acceptUnresolved: true,
    });
    if (refusal) {
      throw new DomainError("invalid", refusal, { field: "url", fields: { url: refusal } });
    }
  };
  const found = async (id: string) => {
    const hook = await store.find(id);
    if (!hook) throw notFound("Webhook");
    return hook;
  };
  /** What every route on one webhook by its id declares alike. */
  const onWebhook = {
    roles: ADMIN,
    request: { params: IdParam },
    errors: { 400: "Malformed id", 404: NOT_FOUND },
  } as const;

  app.openapi(
    defineRoute({
      method: "post",
      path: "/",
      audit: "webhook.create",
      summary: "Register a webhook (its secret is shown here and on rotation only; " +
        "Idempotency-Key honoured)",
      roles: ADMIN,
      idempotency: idempotency({ store: options.keys }),
      request: { body: doc.jsonBody(CreateWebhook) },
      responses: {
        201: doc.answer(
          "Created; Location names it",
          Webhook.extend({ secret: z.string() }),
          etag,
        ),
        400: doc.invalidFields("url (https only, public addresses) or events"),
      },
    }),
    async (c) => {
      const body = c.req.valid("json");
      await checkUrl(body.url);
      const secret = newSecret();
      const hook = await store.create({
        url: body.url,
        events: [...new Set(body.events)],
        description: body.description ?? null,
      }, secret);
      auditNote(c, { details: { webhookId: hook.id } });
      const created = { ...hook, secret };
      return answerVersion(c, created, 201, "/webhooks");
    },
  );

  app.openapi(
    defineRoute({
      method: "get",
      path: "/",
      audit: "webhook.read",
      summary: "The webhooks, newest first (paged)",
      roles: ADMIN,
      request: {
        query: z.object(doc.pageParams(options.paging.maxSize, options.paging.defaultSize)),
      },
      responses: { ...doc.pagedList(Webhook, "A page of webhooks") },
      errors: { 400: "Malformed page or size" },
    }),
    async (c) => {
      const { page, size } = doc.pageOf(c.req.valid("query"), options.paging.defaultSize);
      const result = await store.list({ page, size });
      return pagedJson(c, { json: JSON.stringify(result.items), total: result.total }, {
        path: clientPath(c, "/webhooks"),
        page,
        size,
        filters: {},
      });
    },
  );

  app.openapi(
    defineRoute({
      method: "get",
      path: "/{id}",
      audit: "webhook.read",
      summary: "A webhook",
      ...onWebhook,
      responses: { 200: doc.answer("The webhook (ETag)", Webhook, etag), ...doc.notModifiedAnswer },
    }),
    async (c) => answerVersion(c, await found(c.req.valid("param").id), 200),
  );

  app.openapi(
    defineRoute({
      method: "patch",
      path: "/{id}",
      audit: "webhook.update",
      summary: "Change a webhook's url, events or active (merge; If-Match honoured)",
      roles: ADMIN,
      request: {
        params: IdParam,
        headers: doc.ifMatchHeaders(),
        body: doc.patchBody(PatchWebhook),
      },
      responses: {
        200: doc.answer("The webhook", Webhook, etag),
        400: doc.invalidFields("Malformed id, url or events"),
      },
      errors: { 404: NOT_FOUND, ...doc.staleVersion },
    }),
    async (c) => {
      const { id } = c.req.valid("param");
      const change = c.req.valid("json");
      const expected = expectedVersions(c);
      // A bad url is a 400 whether or not the webhook exists (400 before 404 before 412).
      if (change.url !== undefined) await checkUrl(change.url);
      const hook = await store.update(id, {
        ...change,
        events: change.events && [...new Set(change.events)],
      }, expected);
      if (!hook) throw notFound("Webhook");
      auditNote(c, { details: { webhookId: id, fields: Object.keys(change) } });
      return answerVersion(c, hook, 200);
    },
  );

  app.openapi(
    defineRoute({
      method: "delete",
      path: "/{id}",
      audit: "webhook.delete",
      summary: "Delete a webhook and its deliveries",
      ...onWebhook,
      responses: { 204: { description: "Deleted" } },
    }),
    async (c) => {
      const { id } = c.req.valid("param");
      if (!await store.remove(id)) throw notFound("Webhook");
      auditNote(c, { details: { webhookId: id } });
      return c.body(null, 204);
    },
  );

  app.openapi(
    defineRoute({
      method: "post",
      path: "/{id}/rotate-secret",
      audit: "webhook.rotate",
      summary: "A new secret; the old one stops at once",
      ...onWebhook,
      responses: { 200: doc.answer("The new secret", z.object({ secret: z.string() })) },
    }),
    async (c) => {
      const { id } = c.req.valid("param");
      const secret = newSecret();
      if (!await store.rotate(id, secret)) throw notFound("Webhook");
      auditNote(c, { details: { webhookId: id } });
      return c.json({ secret }, 200);
    },
  );

  app.openapi(
    defineRoute({
      method: "post",
      path: "/{id}/ping",
      audit: "webhook.ping",
      summary: "Send a `ping` event to the webhook now",
      ...onWebhook,
      responses: { 202: { description: "Queued" } },
    }),
    async (c) => {
      const { id } = c.req.valid("param");
      await found(id);
      const eventId = crypto.randomUUID();
      await store.enqueue([{
        id: eventId,
        type: "ping",
        occurredAt: new Date(),
        patientId: null,
        data: { webhookId: id },
      }], id);
      auditNote(c, { details: { webhookId: id, eventId } });
      options.wake();
      return c.body(null, 202);
    },
  );

  app.openapi(
    defineRoute({
      method: "get",
      path: "/{id}/deliveries",
      audit: "webhook.read",
      summary: "A webhook's deliveries, newest first (paged)",
      roles: ADMIN,
      request: {
        params: IdParam,
        query: z.object({
          status: z.enum(["PENDING", "DELIVERED", "FAILED"], {
            error: "status must be PENDING, DELIVERED or FAILED",
          }).optional(),
          ...doc.pageParams(options.paging.maxSize, options.paging.defaultSize),
        }),
      },
      responses: { ...doc.pagedList(Delivery, "A page of deliveries") },
      errors: { 400: "Malformed id or filter", 404: NOT_FOUND },
    }),
    async (c) => {
      const { id } = c.req.valid("param");
      const query = c.req.valid("query");
      await found(id);
      const { page, size } = doc.pageOf(query, options.paging.defaultSize);
      const result = await store.deliveries(id, { status: query.status, page, size });
      return pagedJson(c, { json: JSON.stringify(result.items), total: result.total }, {
        path: clientPath(c, `/webhooks/${id}/deliveries`),
        page,
        size,
        filters: { status: query.status },
      });
    },
  );

  app.openapi(
    defineRoute({
      method: "post",
      path: "/{id}/deliveries/{deliveryId}/redeliver",
      audit: "webhook.redeliver",
      summary: "Send a delivery again now (the same body and webhook-id)",
      roles: ADMIN,
      request: { params: DeliveryParams },
      responses: { 202: { description: "Queued" } },
      errors: { 400: "Malformed id", 404: "Webhook not found, or no such delivery" },
    }),
    async (c) => {
      const { id, deliveryId } = c.req.valid("param");
      await found(id);
      if (!await store.redeliver(id, deliveryId)) {
        throw notFound("Delivery");
      }
      auditNote(c, { details: { webhookId: id, deliveryId } });
      options.wake();
      return c.body(null, 202);
    },
  );

  return app;
}
