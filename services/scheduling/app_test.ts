import assert from "node:assert/strict";
import {
  createTestTokens,
  jsonCaller,
  openTestDatabase,
  patientDataRouteDeps,
  testServiceApp,
} from "@pms/testing";
import { mountSchedulingRoutes, type SchedulingRoutesDeps } from "./app.ts";
import { createSchedulingService } from "./domain/scheduling_service.ts";

const tokens = await createTestTokens();

const EVERY_DAY = ["MON", "TUE", "WED", "THU", "FRI", "SAT", "SUN"].map((weekday) => ({
  weekday,
  start: "08:00",
  end: "20:00",
}));

/** The scheduling routes on a fresh database, a caller of them (ADMIN) and two schedules. */
async function schedulingApp() {
  const testDb = await openTestDatabase("scheduling", new URL("./migrations", import.meta.url));
  const { sql } = testDb.db;
  const { patients, ...common } = patientDataRouteDeps(sql, tokens.verify);
  const deps: SchedulingRoutesDeps = {
    ...common,
    service: createSchedulingService(sql, {
      patients,
      practitioners: { isEnabledClinician: () => Promise.resolve(true) },
    }),
    maxBodyBytes: 16 * 1024,
  };
  const app = testServiceApp((app) => mountSchedulingRoutes(app, deps));
  const call = jsonCaller(app, tokens.token);
  const schedule = async (body: Record<string, unknown>) => {
    const created = await call("POST", "/schedules", {
      timeZone: "UTC",
      availability: EVERY_DAY,
      ...body,
    });
    assert.equal(created.status, 201, JSON.stringify(created.body));
    return created.body as { id: string; practitionerId: string | null };
  };
  const practitionerId = crypto.randomUUID();
  const room = await schedule({ name: "Room 1", kind: "ROOM" });
  const doctor = await schedule({ name: "Dr Who", kind: "PRACTITIONER", practitionerId });
  /** Books a new patient in the room tomorrow from 10:00 to 10:30 (UTC). */
  const bookTomorrow = () =>
    call("POST", "/appointments", {
      patientId: crypto.randomUUID(),
      scheduleId: room.id,
      start: tomorrow("10:00:00"),
      end: tomorrow("10:30:00"),
    });
  return { testDb, call, room, doctor, practitionerId, bookTomorrow };
}

/** Tomorrow (UTC) at `time`. */
function tomorrow(time: string): string {
  const day = new Date(Date.now() + 86_400_000).toISOString().slice(0, 10);
  return `${day}T${time}Z`;
}

Deno.test("FHIR Schedule?actor takes a bare id as a practitioner or a room", async () => {
  const { testDb, call, room, doctor, practitionerId } = await schedulingApp();
  await using _db = testDb;
  const ids = async (actor: string) => {
    const res = await call("GET", `/fhir/R4/Schedule?actor=${encodeURIComponent(actor)}`);
    assert.equal(res.status, 200, `${actor}: ${JSON.stringify(res.body)}`);
    return (res.body.entry ?? []).map((e: { resource: { id: string } }) => e.resource.id);
  };
  assert.deepEqual(await ids(room.id), [room.id]);
  assert.deepEqual(await ids(`Location/${room.id}`), [room.id]);
  assert.deepEqual(await ids(practitionerId), [doctor.id]);
  assert.deepEqual(await ids(`Practitioner/${practitionerId}`), [doctor.id]);
  // A practitioner's schedule is not a Location, nor a room a Practitioner.
  assert.deepEqual(await ids(doctor.id), []);
  assert.deepEqual(await ids(`Location/${doctor.id}`), []);
  assert.deepEqual(await ids(`Practitioner/${room.id}`), []);
  assert.equal((await call("GET", `/fhir/R4/Schedule?actor=Patient/${room.id}`)).status, 400);
});

Deno.test("FHIR Appointment?date takes YYYY, YYYY-MM and the ne prefix", async () => {
  const { testDb, call, room } = await schedulingApp();
  await using _db = testDb;
  const patientId = crypto.randomUUID();
  const start = tomorrow("10:00:00");
  const booked = await call("POST", "/appointments", {
    patientId,
    scheduleId: room.id,
    start,
    end: tomorrow("10:30:00"),
  });
  assert.equal(booked.status, 201, JSON.stringify(booked.body));
  const total = async (date: string) => {
    const res = await call("GET", `/fhir/R4/Appointment?patient=${patientId}&date=${date}`);
    assert.equal(res.status, 200, `${date}: ${JSON.stringify(res.body)}`);
    return res.body.total as number;
  };
  const [year, month, day] = [start.slice(0, 4), start.slice(0, 7), start.slice(0, 10)];
  for (
    const [date, found] of [
      [year, 1],
      [month, 1],
      [day, 1],
      [`ge${month}`, 1],
      [`lt${year}`, 0],
      [`ne${day}`, 0],
      [`ne${month}`, 0],
      [`ne${Number(year) + 1}`, 1],
      [`ne${encodeURIComponent(start)}`, 0],
    ] as const
  ) {
    assert.equal(await total(date), found, date);
  }
  const slots = await call(
    "GET",
    `/fhir/R4/Slot?schedule=${room.id}&start=${day}&start=ne${encodeURIComponent(start)}`,
  );
  assert.equal(slots.status, 200, JSON.stringify(slots.body));
  assert.equal(slots.body.total, 47);
  assert.equal((await call("GET", `/fhir/R4/Appointment?date=sa${day}`)).status, 400);
});

Deno.test("PATCH /appointments/{id} and /schedules/{id}: 400 before 404 before 412 before 409", async () => {
  const { testDb, call, room, bookTomorrow } = await schedulingApp();
  await using _db = testDb;
  const booked = await bookTomorrow();
  const id = booked.body.id;
  const stale = { "If-Match": 'W/"9"' };
  const patch = (body: unknown, headers: Record<string, string> = {}) =>
    call("PATCH", `/appointments/${id}`, body, headers);

  const backwards = await patch({ end: tomorrow("09:00:00") }, stale);
  assert.deepEqual([backwards.status, backwards.body], [400, { end: "end must be after start" }]);
  const offSlots = await patch({ start: tomorrow("10:07:00") }, stale);
  assert.equal(offSlots.status, 400);
  const nowhere = await patch({ scheduleId: crypto.randomUUID() }, stale);
  assert.deepEqual([nowhere.status, nowhere.body], [404, { message: "Schedule not found" }]);
  assert.equal((await patch({ reason: "x" }, stale)).status, 412);

  const cancelled = await call("POST", `/appointments/${id}/status`, { status: "CANCELLED" });
  assert.equal(cancelled.status, 200);
  assert.equal((await patch({ end: tomorrow("09:00:00") })).status, 400);
  assert.equal((await patch({ scheduleId: crypto.randomUUID() })).status, 404);
  assert.equal((await patch({ reason: "x" }, stale)).status, 412);
  const frozen = await patch({ reason: "x" });
  assert.deepEqual([frozen.status, frozen.body], [409, {
    message: "Appointment can no longer be changed",
  }]);

  const overlapping = await call("PATCH", `/schedules/${room.id}`, {
    availability: [{ weekday: "MON", start: "08:00", end: "10:00" }, {
      weekday: "MON",
      start: "09:00",
      end: "11:00",
    }],
  }, stale);
  assert.equal(overlapping.status, 400, JSON.stringify(overlapping.body));
  assert.ok(overlapping.body.availability);
  const renamed = await call("PATCH", `/schedules/${room.id}`, { name: "Room 2" }, stale);
  assert.equal(renamed.status, 412);
});

Deno.test("mountSchedulingRoutes() describes its FHIR reads and searches in a document of their own", async () => {
  const { testDb, call } = await schedulingApp();
  await using _db = testDb;
  const fhir = await call("GET", "/v3/api-docs/scheduling-fhir");
  assert.equal(fhir.status, 200);
  const paths = Object.keys((fhir.body as { paths: object }).paths);
  for (
    const path of ["/Appointment/{id}", "/Appointment", "/Schedule/{id}", "/Schedule", "/Slot"]
  ) {
    assert.ok(paths.includes(path), `${path} in ${paths}`);
  }
  const rest = await call("GET", "/v3/api-docs");
  assert.ok(!Object.keys((rest.body as { paths: object }).paths).some((p) => p.includes("Slot")));
});

Deno.test("GET /appointments/{id}, /schedules/{id} and their FHIR reads answer 304 to a matching If-None-Match", async () => {
  const { testDb, call, room, bookTomorrow } = await schedulingApp();
  await using _db = testDb;
  const booked = await bookTomorrow();
  assert.equal(booked.status, 201, JSON.stringify(booked.body));
  for (
    const path of [
      `/appointments/${booked.body.id}`,
      `/schedules/${room.id}`,
      `/fhir/R4/Appointment/${booked.body.id}`,
      `/fhir/R4/Schedule/${room.id}`,
    ]
  ) {
    const read = await call("GET", path);
    assert.equal(read.status, 200, path);
    assert.equal(read.headers.get("ETag"), 'W/"1"', path);
    for (const tag of ['W/"1"', '"1"', 'W/"7", W/"1"', "*"]) {
      const again = await call("GET", path, undefined, { "If-None-Match": tag });
      assert.equal(again.status, 304, `${path} ${tag}`);
      assert.equal(again.body, undefined, `${path} ${tag}`);
      assert.equal(again.headers.get("ETag"), 'W/"1"', `${path} ${tag}`);
    }
    const other = await call("GET", path, undefined, { "If-None-Match": 'W/"2"' });
    assert.equal(other.status, 200, path);
    assert.equal(other.body.id, read.body.id, path);
  }
  const moved = await call("PATCH", `/appointments/${booked.body.id}`, { reason: "x" });
  assert.equal(moved.status, 200);
  const stale = await call("GET", `/appointments/${booked.body.id}`, undefined, {
    "If-None-Match": 'W/"1"',
  });
  assert.equal(stale.status, 200);
  assert.equal(stale.headers.get("ETag"), 'W/"2"');
});

Deno.test("PATCH /appointments/{id} and /schedules/{id} ignore id, version, createdAt and updatedAt", async () => {
  const { testDb, call, room, bookTomorrow } = await schedulingApp();
  await using _db = testDb;
  const booked = await bookTomorrow();
  const appointment = booked.body;
  const readOnly = (record: Record<string, unknown>) => ({
    id: record.id,
    version: record.version,
    createdAt: record.createdAt,
    updatedAt: record.updatedAt,
  });

  const unchanged = await call("PATCH", `/appointments/${appointment.id}`, readOnly(appointment));
  assert.equal(unchanged.status, 200, JSON.stringify(unchanged.body));
  assert.deepEqual(
    unchanged.body,
    appointment,
    "only read-only fields: a PATCH that changes nothing",
  );
  const changed = await call("PATCH", `/appointments/${appointment.id}`, {
    ...readOnly(appointment),
    id: crypto.randomUUID(),
    version: 99,
    reason: "Follow-up",
  }, { "Content-Type": "application/merge-patch+json" });
  assert.equal(changed.status, 200, JSON.stringify(changed.body));
  assert.equal(changed.body.id, appointment.id);
  assert.equal(changed.body.reason, "Follow-up");
  assert.equal(changed.body.version, 2);
  const unknown = await call("PATCH", `/appointments/${appointment.id}`, {
    ...readOnly(appointment),
    status: "CANCELLED",
  });
  assert.deepEqual([unknown.status, unknown.body], [400, { status: "Unknown field" }]);

  const schedule = (await call("GET", `/schedules/${room.id}`)).body;
  const same = await call("PATCH", `/schedules/${room.id}`, schedule);
  assert.equal(same.status, 200, JSON.stringify(same.body));
  assert.deepEqual(same.body, schedule, "the schedule sent back as read changes nothing");
  const renamed = await call("PATCH", `/schedules/${room.id}`, { ...schedule, name: "Room 9" });
  assert.equal(renamed.status, 200, JSON.stringify(renamed.body));
  assert.deepEqual([renamed.body.name, renamed.body.version], ["Room 9", 2]);
  const refused = await call("PATCH", `/schedules/${room.id}`, { version: 1, roomId: "x" });
  assert.deepEqual([refused.status, refused.body], [400, { roomId: "Unknown field" }]);
});
