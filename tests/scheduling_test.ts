// deno-lint-ignore-file no-explicit-any no-console
/**
 * Scheduling through the gateway on real processes, a real PostgreSQL and a real Kafka: schedules
 * and their rules, slots, bookings and their 400/404/409s, many concurrent bookings of one slot
 * (exactly one wins), moves, the status machine, roles, audit records, the `appointment` topic,
 * and the FHIR Appointment, Schedule and Slot resources, each checked by two FHIR validators.
 */
import assert from "node:assert/strict";
import { Kafka, logLevel } from "kafkajs";
import { type AppointmentEvent, decodeAppointmentEvent } from "@pms/events";
import { fhirProblems } from "@pms/testing/fhir";
import { DEMO_USERS, type DemoRole, eventually, newPatient, startHarness } from "./_system.ts";

const SERVICES = ["auth", "patient", "audit", "scheduling", "gateway"];
const WEEK = ["MON", "TUE", "WED", "THU", "FRI", "SAT", "SUN"];
const allWeek = (start: string, end: string) => WEEK.map((weekday) => ({ weekday, start, end }));

/** A local date `days` from today in Europe/Paris, `YYYY-MM-DD`. */
const parisDate = (days: number) =>
  Temporal.Now.plainDateISO("Europe/Paris").add({ days }).toString();
/** The instant of a local wall-clock time in Europe/Paris. */
const paris = (date: string, time: string) =>
  new Date(
    Temporal.PlainDateTime.from(`${date}T${time}`).toZonedDateTime("Europe/Paris")
      .epochMilliseconds,
  ).toISOString();

Deno.test("scheduling: schedules, slots, bookings that never clash, FHIR", async (t) => {
  const h = await startHarness({ services: SERVICES });
  try {
    const tokens = {} as Record<DemoRole, string>;
    for (const role of Object.keys(DEMO_USERS) as DemoRole[]) {
      const [email, password] = DEMO_USERS[role];
      const res = await h.call("/auth/login", { method: "POST", body: { email, password } });
      tokens[role] = (await res.json()).token;
    }
    const me = async (role: DemoRole) =>
      (await (await h.call("/auth/me", { token: tokens[role] })).json()).id as string;
    const clinicianId = await me("CLINICIAN");
    const frontDeskId = await me("FRONT_DESK");
    const admin = tokens.ADMIN;
    const post = (path: string, body: unknown, token = admin, headers: HeadersInit = {}) =>
      h.call(path, { method: "POST", token, body, headers });
    const patch = (path: string, body: unknown, token = admin, headers: HeadersInit = {}) =>
      h.call(path, { method: "PATCH", token, body, headers });
    const json = async (res: Response, status: number, label = "") => {
      const text = await res.text();
      assert.equal(res.status, status, `${label} ${text}`);
      return text ? JSON.parse(text) : undefined;
    };
    const newPatientId = async () =>
      (await json(await post("/api/patients", newPatient()), 201)).id as string;

    const practitioner = {
      name: "Dr Clinician",
      kind: "PRACTITIONER",
      practitionerId: clinicianId,
      timeZone: "Europe/Paris",
      slotMinutes: 30,
      availability: allWeek("08:00", "12:00"),
    };
    let schedule: any;
    let room: any;

    await t.step(
      "schedules: 201 with Location and ETag; the rules of section 7 as 400s",
      async () => {
        const res = await post("/api/schedules", practitioner);
        schedule = await json(res, 201);
        assert.equal(res.headers.get("Location"), `/api/schedules/${schedule.id}`);
        assert.equal(res.headers.get("ETag"), 'W/"1"');
        assert.equal(schedule.active, true);
        assert.equal(schedule.version, 1);
        room = await json(
          await post("/api/schedules", {
            name: "Room 1",
            kind: "ROOM",
            timeZone: "Europe/Paris",
            availability: allWeek("08:00", "12:00"),
          }),
          201,
        );
        assert.equal(room.slotMinutes, 15);
        assert.equal(room.practitionerId, null);
        const bad: [unknown, string][] = [
          [{ ...practitioner, practitionerId: undefined }, "practitionerId"],
          [{ ...practitioner, practitionerId: frontDeskId }, "practitionerId"],
          [{ ...practitioner, practitionerId: crypto.randomUUID() }, "practitionerId"],
          [{ ...practitioner, kind: "ROOM" }, "practitionerId"],
          [{ ...practitioner, timeZone: "Mars/Olympus" }, "timeZone"],
          [{ ...practitioner, slotMinutes: 4 }, "slotMinutes"],
          [{ ...practitioner, availability: [] }, "availability"],
          [{
            ...practitioner,
            availability: [{ weekday: "MON", start: "08:00", end: "08:45" }],
          }, "availability"],
          [{
            ...practitioner,
            availability: [
              { weekday: "MON", start: "08:00", end: "10:00" },
              { weekday: "MON", start: "09:30", end: "11:00" },
            ],
          }, "availability"],
          [{ ...practitioner, name: "" }, "name"],
        ];
        for (const [body, field] of bad) {
          const answer = await json(await post("/api/schedules", body), 400, field);
          assert.ok(field in answer, `${field}: ${JSON.stringify(answer)}`);
        }
        await json(await post("/api/schedules", practitioner, tokens.FRONT_DESK), 403);
        await json(await post("/api/schedules", practitioner, tokens.CLINICIAN), 403);
        const listed = await json(
          await h.call(`/api/schedules?practitionerId=${clinicianId}`, {
            token: tokens.FRONT_DESK,
          }),
          200,
        );
        assert.ok(listed.some((s: any) => s.id === schedule.id));
        await json(await h.call("/api/schedules", { token: tokens.BILLING }), 403);
        await json(
          await h.call(`/api/schedules/${crypto.randomUUID()}`, { token: admin }),
          404,
        ).then((b) => assert.deepEqual(b, { message: "Schedule not found" }));
      },
    );

    const day = parisDate(2);
    const nine = paris(day, "09:00:00");
    const nineThirty = paris(day, "09:30:00");
    const ten = paris(day, "10:00:00");
    let appointment: any;
    let patientId = "";

    await t.step(
      "slots: local times in the schedule's zone; a booking makes its slot BUSY",
      async () => {
        const slots = await json(
          await h.call(`/api/schedules/${schedule.id}/slots?from=${day}&to=${day}`, {
            token: admin,
          }),
          200,
        );
        assert.equal(slots.length, 8);
        assert.equal(slots[0].start, paris(day, "08:00:00").replace(".000", ".000"));
        assert.ok(slots.every((s: any) => s.status === "FREE"));
        await json(
          await h.call(`/api/schedules/${schedule.id}/slots?from=${day}&to=${parisDate(40)}`, {
            token: admin,
          }),
          400,
        );
        await json(
          await h.call(`/api/schedules/${schedule.id}/slots?from=nope&to=${day}`, { token: admin }),
          400,
        );

        patientId = await newPatientId();
        const res = await post("/api/appointments", {
          patientId,
          scheduleId: schedule.id,
          start: nine,
          end: nineThirty,
          reason: "Check-up",
        }, tokens.FRONT_DESK);
        appointment = await json(res, 201);
        assert.equal(res.headers.get("Location"), `/api/appointments/${appointment.id}`);
        assert.equal(res.headers.get("ETag"), 'W/"1"');
        assert.equal(appointment.status, "BOOKED");
        assert.equal(appointment.bookedBy, frontDeskId);
        assert.equal(appointment.start, nine);
        const after = await json(
          await h.call(`/api/schedules/${schedule.id}/slots?from=${day}&to=${day}`, {
            token: admin,
          }),
          200,
        );
        assert.deepEqual(
          after.filter((s: any) => s.status === "BUSY").map((s: any) => s.start),
          [nine],
        );
      },
    );

    await t.step(
      "bookings: 400 off the slots or in the past, 404 unknown patient, 409 clashes",
      async () => {
        const book = (body: Record<string, unknown>, token = admin) =>
          post("/api/appointments", { patientId, scheduleId: schedule.id, ...body }, token);
        const field = async (res: Response, name: string) => {
          const body = await json(res, 400, name);
          assert.ok(name in body, `${name}: ${JSON.stringify(body)}`);
        };
        await field(await book({ start: paris(day, "09:10:00"), end: ten }), "start");
        await field(
          await book({ start: paris(day, "07:00:00"), end: paris(day, "07:30:00") }),
          "start",
        );
        await field(await book({ start: ten, end: paris(day, "10:20:00") }), "end");
        await field(await book({ start: ten, end: ten }), "end");
        const yesterday = parisDate(-1);
        await field(
          await book({ start: paris(yesterday, "09:00:00"), end: paris(yesterday, "09:30:00") }),
          "start",
        );
        const missing = await json(
          await book({ patientId: crypto.randomUUID(), start: ten, end: paris(day, "10:30:00") }),
          404,
        );
        assert.deepEqual(missing, { message: "Patient not found" });
        const deletedId = await newPatientId();
        await json(
          await h.call(`/api/patients/${deletedId}`, { method: "DELETE", token: admin }),
          204,
        );
        await json(
          await book({ patientId: deletedId, start: ten, end: paris(day, "10:30:00") }),
          404,
        );
        const other = await newPatientId();
        assert.deepEqual(
          await json(await book({ patientId: other, start: nine, end: nineThirty }), 409),
          { message: "Slot is no longer available" },
        );
        assert.deepEqual(
          await json(
            await post("/api/appointments", {
              patientId,
              scheduleId: room.id,
              start: paris(day, "09:15:00"),
              end: paris(day, "09:45:00"),
            }),
            409,
          ),
          { message: "Patient already has an appointment at that time" },
        );
        await json(await book({ start: ten, end: paris(day, "10:30:00") }, tokens.BILLING), 403);
        await json(await book({ start: ten, end: paris(day, "10:30:00") }, tokens.AUDITOR), 403);
      },
    );

    await t.step("20 concurrent bookings of one slot: exactly one 201", async () => {
      const patients = await Promise.all(Array.from({ length: 20 }, () => newPatientId()));
      const start = paris(day, "11:00:00");
      const end = paris(day, "11:30:00");
      const answers = await Promise.all(
        patients.map((id) =>
          post("/api/appointments", { patientId: id, scheduleId: schedule.id, start, end })
        ),
      );
      const statuses = answers.map((r) => r.status).sort();
      await Promise.all(answers.map((r) => r.body?.cancel()));
      assert.equal(statuses.filter((s) => s === 201).length, 1, statuses.join());
      assert.equal(statuses.filter((s) => s === 409).length, 19, statuses.join());
    });

    await t.step("moves and status: If-Match, the status machine and its 409s", async () => {
      const stale = await patch(
        `/api/appointments/${appointment.id}`,
        { start: ten, end: paris(day, "10:30:00") },
        admin,
        { "If-Match": 'W/"9"' },
      );
      assert.deepEqual(await json(stale, 412), {
        message: "Appointment was changed by someone else",
      });
      const moved = await json(
        await patch(
          `/api/appointments/${appointment.id}`,
          { start: ten, end: paris(day, "10:30:00") },
          admin,
          { "If-Match": 'W/"1"', "Content-Type": "application/merge-patch+json" },
        ),
        200,
      );
      assert.equal(moved.start, ten);
      assert.equal(moved.version, 2);
      // The record's id, version, createdAt and updatedAt sent back are ignored.
      const { id, version, createdAt, updatedAt } = moved;
      const same = await json(
        await patch(`/api/appointments/${appointment.id}`, {
          id,
          version,
          createdAt,
          updatedAt,
          start: ten,
          end: paris(day, "10:30:00"),
        }),
        200,
      );
      assert.equal(same.version, 2, "a PATCH that changes nothing keeps the version");
      assert.deepEqual(
        await json(await patch(`/api/appointments/${appointment.id}`, { id, status: "X" }), 400),
        { status: "Unknown field" },
      );
      assert.deepEqual(
        await json(
          await post(`/api/appointments/${appointment.id}/status`, { status: "NOSHOW" }),
          409,
        ),
        { message: "Appointment has not started" },
      );
      const arrived = await json(
        await post(`/api/appointments/${appointment.id}/status`, { status: "ARRIVED" }),
        200,
      );
      assert.equal(arrived.status, "ARRIVED");
      assert.deepEqual(
        await json(
          await post(`/api/appointments/${appointment.id}/status`, { status: "NOSHOW" }),
          409,
        ),
        { message: "Cannot change status from ARRIVED to NOSHOW" },
      );
      assert.deepEqual(
        await json(await patch(`/api/appointments/${appointment.id}`, { reason: "x" }), 409),
        { message: "Appointment can no longer be changed" },
      );
      await json(
        await post(`/api/appointments/${appointment.id}/status`, { status: "LATE" }),
        400,
      );
      const fulfilled = await json(
        await post(`/api/appointments/${appointment.id}/status`, { status: "FULFILLED" }),
        200,
      );
      assert.equal(fulfilled.status, "FULFILLED");
      // A cancelled booking frees its slot.
      const second = await json(
        await post("/api/appointments", {
          patientId: await newPatientId(),
          scheduleId: schedule.id,
          start: paris(day, "08:00:00"),
          end: paris(day, "08:30:00"),
        }),
        201,
      );
      await json(
        await post(`/api/appointments/${second.id}/status`, { status: "CANCELLED", reason: "ill" }),
        200,
      );
      await json(
        await post("/api/appointments", {
          patientId: await newPatientId(),
          scheduleId: schedule.id,
          start: paris(day, "08:00:00"),
          end: paris(day, "08:30:00"),
        }),
        201,
      );
      const list = await json(
        await h.call(`/api/appointments?patientId=${patientId}`, { token: tokens.CLINICIAN }),
        200,
      );
      assert.deepEqual(list.map((a: any) => a.id), [appointment.id]);
      await json(await h.call("/api/appointments", { token: tokens.BILLING }), 403);
    });

    await t.step("an inactive schedule takes no bookings and has no slots", async () => {
      const off = await json(await patch(`/api/schedules/${room.id}`, { active: false }), 200);
      assert.equal(off.active, false);
      assert.equal(off.version, 2);
      assert.deepEqual(
        await json(
          await h.call(`/api/schedules/${room.id}/slots?from=${day}&to=${day}`, { token: admin }),
          200,
        ),
        [],
      );
      assert.deepEqual(
        await json(
          await post("/api/appointments", {
            patientId: await newPatientId(),
            scheduleId: room.id,
            start: paris(day, "10:00:00"),
            end: paris(day, "10:15:00"),
          }),
          409,
        ),
        { message: "Schedule is not active" },
      );
      await json(
        await patch(`/api/schedules/${room.id}`, { name: "x" }, admin, { "If-Match": 'W/"1"' }),
        412,
      );
    });

    await t.step(
      "FHIR: Appointment, Schedule and Slot read and search, validator-clean",
      async () => {
        const fhir = async (path: string, status = 200) => {
          const res = await h.call(`/fhir/R4${path}`, { token: tokens.CLINICIAN });
          const body = await res.json();
          assert.equal(res.status, status, `${path}: ${JSON.stringify(body)}`);
          assert.deepEqual(fhirProblems(body), [], `${path}: ${JSON.stringify(body)}`);
          return body;
        };
        const read = await fhir(`/Appointment/${appointment.id}`);
        assert.equal(read.resourceType, "Appointment");
        assert.equal(read.status, "fulfilled");
        assert.deepEqual(read.participant.map((p: any) => p.actor.reference), [
          `Patient/${patientId}`,
          `Practitioner/${clinicianId}`,
        ]);
        const search = await fhir(`/Appointment?patient=Patient/${patientId}&date=ge${day}`);
        assert.equal(search.total, 1);
        assert.equal(search.entry[0].resource.id, appointment.id);
        const none = await fhir(`/Appointment?patient=${patientId}&date=lt${parisDate(1)}`);
        assert.equal(none.total, 0);
        const sched = await fhir(`/Schedule/${schedule.id}`);
        assert.deepEqual(sched.actor, [{
          reference: `Practitioner/${clinicianId}`,
          display: "Dr Clinician",
        }]);
        const byActor = await fhir(`/Schedule?actor=Practitioner/${clinicianId}`);
        assert.ok(byActor.entry.some((e: any) => e.resource.id === schedule.id));
        const slots = await fhir(
          `/Slot?schedule=${schedule.id}&start=ge${day}&start=lt${parisDate(3)}`,
        );
        assert.equal(slots.total, 8);
        assert.ok(slots.entry.some((e: any) => e.resource.status === "busy"));
        const missing = await fhir(`/Appointment/${crypto.randomUUID()}`, 404);
        assert.equal(missing.resourceType, "OperationOutcome");
        await fhir("/Slot", 400);
        const denied = await h.call(`/fhir/R4/Appointment/${appointment.id}`, {
          token: tokens.BILLING,
        });
        assert.equal(denied.status, 403);
        assert.equal((await denied.json()).resourceType, "OperationOutcome");
        const metadata = await (await h.call("/fhir/R4/metadata")).json();
        const types = metadata.rest[0].resource.map((r: any) => r.type);
        for (const type of ["Patient", "Appointment", "Schedule", "Slot"]) {
          assert.ok(types.includes(type), `metadata lists ${type}`);
        }
        assert.deepEqual(fhirProblems(metadata), []);
        const doc = await (await h.call("/api-docs/scheduling")).json();
        assert.ok(doc.paths["/appointments/{id}/status"], "the OpenAPI document");
      },
    );

    await t.step("audit records name the patient; events go to topic appointment", async () => {
      const records = await eventually("appointment.create records", async () => {
        const res = await h.call(
          `/api/audit?patientId=${patientId}&action=appointment.create&size=10`,
          { token: tokens.AUDITOR },
        );
        if (res.status !== 200) return void await res.body?.cancel();
        const found: any[] = await res.json();
        return found.some((r) => r.outcome === "SUCCESS") ? found : undefined;
      });
      // The booking, the refused ones (BILLING, AUDITOR) and the failed ones (400, 409) each
      // name the patient.
      assert.deepEqual(
        [...new Set(records.map((r) => r.outcome))].sort(),
        ["DENIED", "FAILED", "SUCCESS"],
      );
      const kafka = new Kafka({ brokers: h.system.kafka!.brokers, logLevel: logLevel.NOTHING });
      const consumer = kafka.consumer({ groupId: `scheduling-test-${crypto.randomUUID()}` });
      await consumer.connect();
      try {
        await consumer.subscribe({
          topic: h.system.kafka!.topics.appointment!,
          fromBeginning: true,
        });
        const events: AppointmentEvent[] = [];
        await consumer.run({
          eachMessage: ({ message }) => {
            events.push(decodeAppointmentEvent(message.value));
            return Promise.resolve();
          },
        });
        const mine = await eventually("the appointment's events", () => {
          const own = events.filter((e) => e.appointmentId === appointment.id);
          return Promise.resolve(own.length >= 4 ? own : undefined);
        });
        assert.deepEqual(mine.map((e) => e.eventType), [
          "APPOINTMENT_BOOKED",
          "APPOINTMENT_CHANGED",
          "APPOINTMENT_STATUS_CHANGED",
          "APPOINTMENT_STATUS_CHANGED",
        ]);
        assert.deepEqual(mine.map((e) => e.version), [1, 2, 3, 4]);
        assert.equal(mine[0]!.timeZone, "Europe/Paris");
        assert.equal(mine[0]!.patientId, patientId);
      } finally {
        await consumer.disconnect();
      }
      // An update names the fields it changed: none for a PATCH that changed nothing.
      const updates = await eventually("appointment.update records", async () => {
        const res = await h.call(
          `/api/audit?patientId=${patientId}&action=appointment.update&outcome=SUCCESS&size=20`,
          { token: tokens.AUDITOR },
        );
        if (res.status !== 200) return void await res.body?.cancel();
        const found: any[] = await res.json();
        return found.length >= 2 ? found : undefined;
      });
      assert.deepEqual(
        updates.map((r) => r.details.fields).sort(),
        [[], ["start", "end"]],
      );
      // A search's record holds its query; a schedule PATCH that changes nothing keeps the version.
      await json(await h.call("/api/schedules?kind=ROOM&active=true", { token: admin }), 200);
      await eventually("the schedule.search record", async () => {
        const res = await h.call("/api/audit?action=schedule.search&size=50", {
          token: tokens.AUDITOR,
        });
        if (res.status !== 200) return void await res.body?.cancel();
        const found: any[] = await res.json();
        return found.find((r) => r.details.kind === "ROOM" && r.details.active === "true");
      });
      const current = await json(await h.call(`/api/schedules/${room.id}`, { token: admin }), 200);
      // The schedule sent back as read: its id, version, createdAt and updatedAt are ignored.
      const unchanged = await json(await patch(`/api/schedules/${room.id}`, current), 200);
      assert.equal(unchanged.version, current.version);

      // A read whose If-None-Match names the version: 304, no body, the ETag; still audited.
      const requestIds: string[] = [];
      for (
        const path of [
          `/api/appointments/${appointment.id}`,
          `/fhir/R4/Appointment/${appointment.id}`,
        ]
      ) {
        const read = await h.call(path, { token: admin });
        assert.equal(read.status, 200, path);
        await read.body?.cancel();
        const etag = read.headers.get("ETag")!;
        const requestId = crypto.randomUUID();
        requestIds.push(requestId);
        const again = await h.call(path, {
          token: admin,
          headers: { "If-None-Match": etag, "X-Request-Id": requestId },
        });
        assert.equal(again.status, 304, path);
        assert.equal(again.headers.get("ETag"), etag, path);
        assert.equal(await again.text(), "", path);
      }
      await eventually("the 304 reads' records", async () => {
        const res = await h.call(
          `/api/audit?patientId=${patientId}&action=appointment.read&outcome=SUCCESS&size=50`,
          { token: tokens.AUDITOR },
        );
        if (res.status !== 200) return void await res.body?.cancel();
        const found: any[] = await res.json();
        const ids = new Set(found.map((r) => r.requestId));
        return requestIds.every((id) => ids.has(id)) || undefined;
      });
    });
  } catch (error) {
    // What the service said, for diagnosis (JSON lines: no patient data).
    for (const line of h.system.logs("scheduling").filter((l) => l.includes('"error"'))) {
      console.error(line);
    }
    throw error;
  } finally {
    if (Deno.env.get("PMS_TEST_DEBUG")) {
      for (const l of h.system.logs("scheduling")) console.error("SCHED", l);
    }
    await h.system.stop();
  }
});
