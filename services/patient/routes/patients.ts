import { createRoute, OpenAPIHono, z } from "@hono/zod-openapi";
import { type AppEnv, jsonError, linkHeader, requireRole, validationHook } from "@pms/http";
import {
  bearerSecurity,
  bodyResponses,
  FieldErrors,
  guardedResponses,
  jsonContent,
  Message,
} from "@pms/http/openapi";
import {
  CreatePatient,
  isStorableText,
  Patient,
  PatientIdParam,
  UpdatePatient,
} from "../domain/patient_schema.ts";
import { DuplicateEmailError, type PatientService } from "../domain/patient_service.ts";

import type { TypedResponse } from "hono";

const PatientList = z.array(Patient);

// Who may call what: the patient rows of the contract's role matrix.
const access = {
  read: requireRole("ADMIN", "CLINICIAN", "FRONT_DESK", "BILLING"),
  write: requireRole("ADMIN", "CLINICIAN", "FRONT_DESK"),
  remove: requireRole("ADMIN"),
};
const forbidden = {
  403: { description: "The role may not do this", content: jsonContent(Message) },
};

/** Paging limits. */
export interface PagingOptions {
  defaultSize: number;
  maxSize: number;
}

function listQuery(paging: PagingOptions) {
  return z.object({
    page: z.string().regex(/^\d{1,6}$/, "page must be a whole number from 0").optional()
      .openapi({ description: "0-based page number", example: "0" }),
    size: z.string().regex(/^\d{1,4}$/, `size must be a whole number from 1 to ${paging.maxSize}`)
      .refine((s) => Number(s) >= 1 && Number(s) <= paging.maxSize, {
        message: `size must be a whole number from 1 to ${paging.maxSize}`,
      }).optional().openapi({ example: String(paging.defaultSize) }),
    search: z.string().trim().min(1, "search must not be empty")
      .max(100, "search must be at most 100 characters")
      .refine(isStorableText, "search contains invalid characters").optional()
      .openapi({ description: "Case-insensitive part of the name or email" }),
  });
}

// The gateway says which prefix it stripped; links must use the path the client used. Only an
// absolute path of plain segments is taken: never `//host` (a protocol-relative URL) or `/a//b`.
const SAFE_PREFIX = /^(?:\/[A-Za-z0-9_-]{1,32}){1,4}$/;

/** `/patients`: list, read, create, update, delete. */
export function patientRoutes(service: PatientService, paging: PagingOptions): OpenAPIHono<AppEnv> {
  const app = new OpenAPIHono<AppEnv>({ defaultHook: validationHook });
  const base = (prefix: string | undefined) =>
    `${prefix && SAFE_PREFIX.test(prefix) ? prefix : ""}/patients`;

  app.openapi(
    createRoute({
      method: "get",
      path: "/",
      summary: "List patients (a JSON array, paged; see X-Total-Count and Link)",
      security: bearerSecurity,
      middleware: [access.read],
      request: { query: listQuery(paging) },
      responses: {
        200: { description: "A page of patients", content: jsonContent(PatientList) },
        400: { description: "A bad paging or search value", content: jsonContent(Message) },
        ...forbidden,
        ...guardedResponses,
      },
    }),
    async (c) => {
      const query = c.req.valid("query");
      const page = Number(query.page ?? 0);
      const size = Number(query.size ?? paging.defaultSize);
      const { json, total } = await service.list({ page, size, search: query.search });
      c.header("X-Total-Count", String(total));
      c.header(
        "Link",
        linkHeader({
          path: base(c.req.header("X-Forwarded-Prefix")),
          page,
          size,
          total,
          search: query.search,
        }),
      );
      // The page is already JSON, built by PostgreSQL in the shape of `Patient`.
      c.header("Content-Type", "application/json");
      return c.body(json, 200) as unknown as TypedResponse<
        z.infer<typeof PatientList>,
        200,
        "json"
      >;
    },
  );

  app.openapi(
    createRoute({
      method: "get",
      path: "/{id}",
      summary: "One patient",
      security: bearerSecurity,
      middleware: [access.read],
      request: { params: PatientIdParam },
      responses: {
        200: { description: "The patient", content: jsonContent(Patient) },
        400: { description: "Malformed id", content: jsonContent(Message) },
        404: { description: "No such patient", content: jsonContent(Message) },
        ...forbidden,
        ...guardedResponses,
      },
    }),
    async (c) => {
      const patient = await service.get(c.req.valid("param").id);
      if (!patient) throw jsonError(404, "Patient not found");
      return c.json(patient, 200);
    },
  );

  app.openapi(
    createRoute({
      method: "post",
      path: "/",
      summary: "Register a patient",
      security: bearerSecurity,
      middleware: [access.write],
      request: { body: { required: true, content: jsonContent(CreatePatient) } },
      responses: {
        201: { description: "Created; Location names it", content: jsonContent(Patient) },
        400: { description: "Invalid fields", content: jsonContent(FieldErrors) },
        409: { description: "Email address already exists", content: jsonContent(Message) },
        ...forbidden,
        ...guardedResponses,
        ...bodyResponses,
      },
    }),
    async (c) => {
      try {
        const patient = await service.create(c.req.valid("json"), {
          traceparent: c.get("traceparent"),
        });
        c.header("Location", `${base(c.req.header("X-Forwarded-Prefix"))}/${patient.id}`);
        return c.json(patient, 201);
      } catch (error) {
        if (error instanceof DuplicateEmailError) throw jsonError(409, error.message);
        throw error;
      }
    },
  );

  app.openapi(
    createRoute({
      method: "put",
      path: "/{id}",
      summary: "Replace a patient's details (registeredDate optional)",
      security: bearerSecurity,
      middleware: [access.write],
      request: {
        params: PatientIdParam,
        body: { required: true, content: jsonContent(UpdatePatient) },
      },
      responses: {
        200: { description: "The updated patient", content: jsonContent(Patient) },
        400: { description: "Invalid fields or id", content: jsonContent(FieldErrors) },
        404: { description: "No such patient", content: jsonContent(Message) },
        409: { description: "Email address already exists", content: jsonContent(Message) },
        ...forbidden,
        ...guardedResponses,
        ...bodyResponses,
      },
    }),
    async (c) => {
      try {
        const patient = await service.update(c.req.valid("param").id, c.req.valid("json"), {
          traceparent: c.get("traceparent"),
        });
        if (!patient) throw jsonError(404, "Patient not found");
        return c.json(patient, 200);
      } catch (error) {
        if (error instanceof DuplicateEmailError) throw jsonError(409, error.message);
        throw error;
      }
    },
  );

  app.openapi(
    createRoute({
      method: "delete",
      path: "/{id}",
      summary: "Delete a patient",
      security: bearerSecurity,
      middleware: [access.remove],
      request: { params: PatientIdParam },
      responses: {
        204: { description: "Deleted" },
        400: { description: "Malformed id", content: jsonContent(Message) },
        404: { description: "No such patient", content: jsonContent(Message) },
        ...forbidden,
        ...guardedResponses,
      },
    }),
    async (c) => {
      if (!(await service.remove(c.req.valid("param").id, { traceparent: c.get("traceparent") }))) {
        throw jsonError(404, "Patient not found");
      }
      return c.body(null, 204);
    },
  );

  return app;
}
