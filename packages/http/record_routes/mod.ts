import type { z } from "@hono/zod-openapi";
import type { Role } from "@pms/jwt";
import type { MiddlewareHandler } from "hono";
import type { AppEnv } from "../app_env.ts";
import { defineRoute, type RouteAudit, type RouteResponses } from "../define_route/mod.ts";
import { idempotency, type IdempotencyStore } from "../idempotency/mod.ts";
import * as doc from "../openapi/mod.ts";
import type { Paging } from "../paging.ts";

/** The record a resource's routes serve, as {@linkcode recordRoutes} takes it. */
export interface RecordResource<S extends z.ZodType> {
  /**
   * The record's noun in lower case (`encounter`): its `{id}` parameter (`Invalid encounter id`),
   * its answer (`The encounter`), its `404` (`Encounter not found`) and its audit actions
   * (`encounter.read`, `encounter.search`, `encounter.update`).
   */
  noun: string;
  /** The record as its routes answer it, with its `ETag`. */
  schema: S;
  /** The roles that may call its routes, where a route names none of its own. */
  roles: readonly Role[];
  /** Where its creating POSTs keep their `Idempotency-Key`s. */
  keys?: IdempotencyStore;
}

/** A creating POST of a record, as {@linkcode recordRoutes}' `create` takes it. */
export interface RecordCreate<B extends z.ZodType> {
  audit: RouteAudit;
  summary: string;
  roles?: readonly Role[];
  /** The JSON body. */
  body: B;
  /** The description of the `201` (the record, with its `ETag`). */
  created: string;
  /** The description of the `400` (the invalid fields). */
  invalid: string;
  /** The route's own errors by status. */
  errors?: { [status: number]: string };
}

/** A creating POST under a record (`/{id}/notes`), as {@linkcode recordRoutes}' `add` takes it. */
export interface RecordAdd<B extends z.ZodType> {
  /** The path under the record (`notes`). */
  under: string;
  audit: RouteAudit;
  summary: string;
  /** The JSON body. */
  body: B;
  /** The `201`: what was created. */
  created: RouteResponses[string];
  /** The description of the `400` (the invalid fields). */
  invalid: string;
  /** The `409`: why the record takes nothing under it now. */
  conflict: string;
}

/** A merge PATCH of a record under `If-Match`, as {@linkcode recordRoutes}' `patch` takes it. */
export interface RecordPatch<B extends z.ZodType> {
  summary: string;
  roles?: readonly Role[];
  /** The merge-patch body. */
  body: B;
  /** The description of the `400` (a malformed id, the invalid fields). */
  invalid: string;
  /** The route's own errors by status, besides the record's `404` and the stale version's `412`. */
  errors?: { [status: number]: string };
  /** Run after the role check, before the body is read (a check of who may change the record). */
  middleware?: MiddlewareHandler<AppEnv>[];
}

/**
 * The routes every resource of records declares alike, made with `defineRoute` from the record's
 * noun, schema and roles: `create` (`POST /`, `Idempotency-Key` honoured), `search` (`GET /`, a
 * page of records about patients, a restricted patient's masked), `read` (`GET /{id}`, with the
 * `ETag`; `304` for a matching `If-None-Match`), `patch` (`PATCH /{id}`, a merge under
 * `If-Match`) and `add` (`POST /{id}/<under>`, a record created under this one, `Idempotency-Key`
 * honoured). For the resource's other routes: its `params` (`{id}`), its `ok` (`200`, the record
 * with its `ETag`) and its `notFound` (`404`).
 */
export function recordRoutes<S extends z.ZodType>(resource: RecordResource<S>) {
  const { noun, schema, roles, keys } = resource;
  const params = doc.idParam(noun);
  const ok = doc.answer(`The ${noun}`, schema, doc.etagHeader);
  const notFound = `${noun[0]!.toUpperCase()}${noun.slice(1)} not found`;
  const keyed = () => {
    if (!keys) throw new Error(`${noun}: a creating POST needs the resource's keys`);
    return idempotency({ store: keys });
  };
  return {
    params,
    ok,
    notFound,
    create: <B extends z.ZodType>(route: RecordCreate<B>) =>
      defineRoute({
        method: "post",
        path: "/",
        audit: route.audit,
        summary: route.summary,
        roles: route.roles ?? roles,
        idempotency: keyed(),
        request: { body: doc.jsonBody(route.body) },
        responses: {
          201: doc.answer(route.created, schema, doc.etagHeader),
          400: doc.invalidFields(route.invalid),
        },
        errors: route.errors,
      }),
    search: <F extends z.ZodRawShape>(summary: string, filters: F, paging: Paging) =>
      defineRoute({
        method: "get",
        path: "/",
        // A search filtered by a patient is a call on that patient: refused when restricted.
        audit: { action: `${noun}.search`, patient: { query: "patientId" } },
        summary,
        roles,
        request: { query: doc.listQuery({ patientId: doc.patientIdFilter, ...filters }, paging) },
        responses: { ...doc.pagedList(doc.orRestricted(schema), `A page of ${noun}s`) },
        errors: doc.patientFilterErrors,
      }),
    read: (summary: string) =>
      defineRoute({
        method: "get",
        path: "/{id}",
        audit: `${noun}.read`,
        summary,
        roles,
        request: { params },
        responses: { 200: ok, ...doc.notModifiedAnswer },
        errors: { 400: "Malformed id", 404: notFound },
      }),
    patch: <B extends z.ZodType>(route: RecordPatch<B>) =>
      defineRoute({
        method: "patch",
        path: "/{id}",
        audit: `${noun}.update`,
        summary: route.summary,
        roles: route.roles ?? roles,
        middleware: route.middleware,
        request: { params, headers: doc.ifMatchHeaders(), body: doc.patchBody(route.body) },
        responses: { 200: ok, 400: doc.invalidFields(route.invalid) },
        errors: { 404: notFound, ...doc.staleVersion, ...route.errors },
      }),
    add: <B extends z.ZodType>(route: RecordAdd<B>) =>
      defineRoute({
        method: "post",
        path: `/{id}/${route.under}`,
        audit: route.audit,
        summary: route.summary,
        roles,
        idempotency: keyed(),
        request: { params, body: doc.jsonBody(route.body) },
        responses: { 201: route.created, 400: doc.invalidFields(route.invalid) },
        errors: { 404: notFound, 409: route.conflict },
      }),
  };
}
