import { OpenAPIHono, z } from "@hono/zod-openapi";
import { auditChange, auditCommitted, auditNote } from "@pms/audit";
import {
  type AppEnv,
  clientPath,
  defineRoute,
  DomainError,
  idempotency,
  type IdempotencyStore,
  jsonError,
  jsonText,
  pagedJson,
  type Paging,
  resourceApp,
} from "@pms/http";
import * as doc from "@pms/http/openapi";
import type { Context } from "hono";
import {
  AddMember,
  CreateGroup,
  Group,
  GroupIdParam,
  GroupSummary,
  Member,
  MemberParams,
  PatientGroup,
  RenameGroup,
} from "../domain/group_schema.ts";
import type { GroupChangeContext, GroupService } from "../domain/group_service.ts";
import { PatientIdParam } from "../domain/patient_schema.ts";
import { pagedSearchQuery } from "./patients.ts";

// The "groups read, write" row of the role matrix.
const GROUP_ROLES = ["ADMIN", "CLINICIAN", "FRONT_DESK"] as const;

const GROUP_NOT_FOUND = "Group not found";
const PATIENT_NOT_FOUND = "Patient not found";

// A membership change that did not go through, as the domain error it is.
const REFUSALS = {
  "no-group": ["not_found", GROUP_NOT_FOUND],
  "no-patient": ["not_found", PATIENT_NOT_FOUND],
  "already-member": ["conflict", "Patient is already a member"],
  "not-member": ["not_found", "Patient is not a member"],
} as const;

/** The domain error of a refused membership change. */
function refused(outcome: keyof typeof REFUSALS): DomainError {
  const [kind, message] = REFUSALS[outcome];
  return new DomainError(kind, message);
}

const context = (c: Context<AppEnv>): GroupChangeContext => ({
  actor: c.get("user").sub,
  audit: auditChange(c),
});

/**
 * `/groups`: patient groups (families) and their members. Changes commit with their audit
 * record; the creating POSTs honour Idempotency-Key.
 */
export function groupRoutes(
  groups: GroupService,
  paging: Paging,
  keys: IdempotencyStore,
): OpenAPIHono<AppEnv> {
  const app = resourceApp();
  const idempotent = idempotency({ store: keys });
  const base = (c: Context<AppEnv>) => clientPath(c, "/groups");

  app.openapi(
    defineRoute({
      method: "get",
      path: "/",
      audit: "group.search",
      summary: "List groups by name (paged; see X-Total-Count and Link)",
      roles: GROUP_ROLES,
      request: {
        query: pagedSearchQuery(paging, "Case-insensitive part of the name"),
      },
      responses: {
        ...doc.pagedList(GroupSummary, "A page of groups"),
      },
      errors: { 400: "A bad paging or search value" },
    }),
    async (c) => {
      const query = c.req.valid("query");
      const { page, size } = doc.pageOf(query, paging.defaultSize);
      const result = await groups.list({ page, size, search: query.search });
      auditNote(c, { details: { ...query, page, size } });
      return pagedJson(c, result, {
        path: base(c),
        page,
        size,
        search: query.search,
      });
    },
  );

  app.openapi(
    defineRoute({
      method: "post",
      path: "/",
      audit: "group.create",
      summary: "Create a group (Idempotency-Key honoured)",
      roles: GROUP_ROLES,
      idempotency: idempotent,
      request: {
        body: doc.jsonBody(CreateGroup),
      },
      responses: {
        201: doc.answer("Created; Location names it", Group),
        400: doc.invalidFields("Invalid fields"),
      },
    }),
    async (c) => {
      const group = await groups.create(c.req.valid("json"), context(c));
      auditCommitted(c);
      c.header("Location", `${base(c)}/${group.id}`);
      return c.json(group, 201);
    },
  );

  app.openapi(
    defineRoute({
      method: "get",
      path: "/{id}",
      audit: "group.read",
      summary: "A group and its members, by name",
      roles: GROUP_ROLES,
      request: { params: GroupIdParam },
      responses: {
        200: doc.answer("The group", Group),
      },
      errors: { 400: "Malformed id", 404: "Group not found" },
    }),
    async (c) => {
      const id = c.req.valid("param").id;
      const group = await groups.get(id);
      if (!group) throw jsonError(404, GROUP_NOT_FOUND);
      auditNote(c, { patientIds: group.members.map((m) => m.patientId), details: { groupId: id } });
      return c.json(group, 200);
    },
  );

  app.openapi(
    defineRoute({
      method: "patch",
      path: "/{id}",
      audit: "group.update",
      summary: "Rename a group",
      roles: GROUP_ROLES,
      request: {
        params: GroupIdParam,
        body: doc.patchBody(RenameGroup),
      },
      responses: {
        200: doc.answer("The group", Group),
        400: doc.invalidFields("Invalid id or name"),
      },
      errors: { 404: "Group not found" },
    }),
    async (c) => {
      const id = c.req.valid("param").id;
      const group = await groups.rename(id, c.req.valid("json").name, context(c));
      if (!group) throw jsonError(404, GROUP_NOT_FOUND);
      auditCommitted(c);
      return c.json(group, 200);
    },
  );

  app.openapi(
    defineRoute({
      method: "delete",
      path: "/{id}",
      audit: "group.delete",
      summary: "Delete a group (its members stay patients)",
      roles: GROUP_ROLES,
      request: { params: GroupIdParam },
      responses: {
        204: { description: "Deleted" },
      },
      errors: { 400: "Malformed id", 404: "Group not found" },
    }),
    async (c) => {
      const id = c.req.valid("param").id;
      if (!await groups.remove(id, context(c))) throw jsonError(404, GROUP_NOT_FOUND);
      auditCommitted(c);
      return c.body(null, 204);
    },
  );

  app.openapi(
    defineRoute({
      method: "post",
      path: "/{id}/members",
      audit: { action: "group.member.add", patient: { body: "patientId" } },
      summary: "Add a patient to a group (once; Idempotency-Key honoured)",
      roles: GROUP_ROLES,
      idempotency: idempotent,
      request: {
        params: GroupIdParam,
        body: doc.jsonBody(AddMember),
      },
      responses: {
        201: doc.answer("Added; Location names it", Member),
        400: doc.invalidFields("Invalid id or fields"),
      },
      errors: {
        403: "The role may not do this, or the patient is restricted to others " +
          '(`{"message":"Record is restricted","breakGlass":true}`)',
        409: "Already a member, or the key's first request is still running",
        404: "Group or patient not found",
      },
    }),
    async (c) => {
      const id = c.req.valid("param").id;
      const outcome = await groups.addMember(id, c.req.valid("json"), context(c));
      if (outcome.outcome !== "added") throw refused(outcome.outcome);
      auditCommitted(c);
      c.header("Location", `${base(c)}/${id}/members/${outcome.member.patientId}`);
      return c.json(outcome.member, 201);
    },
  );

  app.openapi(
    defineRoute({
      method: "delete",
      path: "/{id}/members/{patientId}",
      audit: { action: "group.member.remove", patient: { param: "patientId" } },
      summary: "Remove a patient from a group",
      roles: GROUP_ROLES,
      request: { params: MemberParams },
      responses: {
        204: { description: "Removed" },
      },
      errors: {
        404: "Group or patient not found, or the patient is not a member",
        400: "Malformed id",
      },
    }),
    async (c) => {
      const { id, patientId } = c.req.valid("param");
      const outcome = await groups.removeMember(id, patientId, context(c));
      if (outcome !== "removed") throw refused(outcome);
      auditCommitted(c);
      return c.body(null, 204);
    },
  );

  return app;
}

/** `/patients/{id}/groups`: the groups a patient belongs to. */
export function patientGroupRoutes(groups: GroupService): OpenAPIHono<AppEnv> {
  const app = resourceApp();
  app.openapi(
    defineRoute({
      method: "get",
      path: "/{id}/groups",
      audit: { action: "group.search", patient: { param: "id" } },
      summary: "The groups a patient belongs to, by name",
      roles: GROUP_ROLES,
      request: { params: PatientIdParam },
      responses: {
        200: doc.answer("The patient's groups", z.array(PatientGroup)),
      },
      errors: { 400: "Malformed id", 404: "No such patient" },
    }),
    async (c) => {
      const json = await groups.patientGroups(c.req.valid("param").id);
      if (json === undefined) throw jsonError(404, PATIENT_NOT_FOUND);
      return jsonText<z.infer<typeof PatientGroup>[], 200>(c, json, 200);
    },
  );
  return app;
}
