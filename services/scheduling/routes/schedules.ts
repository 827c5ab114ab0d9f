import { OpenAPIHono, z } from "@hono/zod-openapi";
import { answerChange, auditNote, callContext, changeById } from "@pms/audit";
import {
  answerVersion,
  type AppEnv,
  clientPath,
  defineRoute,
  pagedJson,
  recordRoutes,
  resourceApp,
} from "@pms/http";
import * as doc from "@pms/http/openapi";
import type { SchedulingRoutesDeps } from "../app.ts";
import {
  CreateSchedule,
  PatchSchedule,
  Schedule,
  SCHEDULE_KINDS,
  Slot,
} from "../domain/schedule_schema.ts";
import { SCHEDULING_ROLES } from "./_util.ts";

/** `/schedules`: a practitioner's or a room's weekly availability, and its slots. */
export function scheduleRoutes(deps: SchedulingRoutesDeps): OpenAPIHono<AppEnv> {
  const { service, keys, paging } = deps;
  const app = resourceApp();
  const schedules = recordRoutes({
    noun: "schedule",
    schema: Schedule,
    roles: SCHEDULING_ROLES.staff,
    keys,
  });

  app.openapi(
    schedules.create({
      audit: "schedule.create",
      summary: "Create a schedule (ADMIN; Idempotency-Key honoured)",
      roles: SCHEDULING_ROLES.admin,
      body: CreateSchedule,
      created: "Created; Location names it",
      invalid: "Invalid fields",
    }),
    async (c) => {
      const schedule = await service.createSchedule(c.req.valid("json"), callContext(c));
      return answerChange(c, schedule, 201, "/schedules");
    },
  );

  app.openapi(
    defineRoute({
      method: "get",
      path: "/",
      audit: "schedule.search",
      summary: "Schedules by name (paged; X-Total-Count and Link)",
      roles: SCHEDULING_ROLES.staff,
      request: {
        query: doc.listQuery({
          kind: z.enum(SCHEDULE_KINDS, { error: "kind must be PRACTITIONER or ROOM" })
            .optional(),
          practitionerId: z.guid({ error: "practitionerId must be a user id" }).optional(),
          active: z.enum(["true", "false"], { error: "active must be true or false" })
            .optional(),
        }, paging),
      },
      responses: { ...doc.pagedList(Schedule, "A page of schedules") },
      errors: doc.badFilter,
    }),
    async (c) => {
      const query = c.req.valid("query");
      const { page, size } = doc.pageOf(query, paging.defaultSize);
      const found = await service.listSchedules({
        kind: query.kind,
        practitionerId: query.practitionerId,
        active: query.active === undefined ? undefined : query.active === "true",
        page,
        size,
      });
      auditNote(c, { details: { ...query, page, size } });
      return pagedJson(c, { json: JSON.stringify(found.items), total: found.total }, {
        path: clientPath(c, "/schedules"),
        page,
        size,
        filters: { kind: query.kind, practitionerId: query.practitionerId, active: query.active },
      });
    },
  );

  app.openapi(
    schedules.read("A schedule (ETag)"),
    async (c) => {
      const schedule = await service.schedule(c.req.valid("param").id);
      auditNote(c, { details: { scheduleId: schedule.id } });
      return answerVersion(c, schedule, 200);
    },
  );

  app.openapi(
    schedules.patch({
      summary: "Change a schedule (ADMIN; merge; If-Match honoured; appointments stay)",
      roles: SCHEDULING_ROLES.admin,
      body: PatchSchedule,
      invalid: "Malformed id or invalid fields",
    }),
    (c) => changeById(c, service.patchSchedule, 200),
  );

  app.openapi(
    defineRoute({
      method: "get",
      path: "/{id}/slots",
      audit: "schedule.slots",
      summary: "The schedule's slots from one local date to another (inclusive, ≤ 31 days)",
      roles: SCHEDULING_ROLES.staff,
      request: {
        params: schedules.params,
        query: z.object({
          from: z.string({ error: "from is required" }).openapi({ example: "2026-12-07" }),
          to: z.string({ error: "to is required" }).openapi({ example: "2026-12-11" }),
        }),
      },
      responses: {
        200: doc.answer("The slots, by start", z.array(Slot)),
        400: doc.invalidFields("Malformed id or dates, or more than 31 days"),
      },
      errors: { 404: schedules.notFound },
    }),
    async (c) => {
      const { id } = c.req.valid("param");
      const { from, to } = c.req.valid("query");
      auditNote(c, { details: { scheduleId: id, from, to } });
      return c.json(await service.slots(id, from, to), 200);
    },
  );

  return app;
}
