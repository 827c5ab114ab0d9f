// deno-lint-ignore-file no-explicit-any
/**
 * The clinical service through the gateway on real processes, a real PostgreSQL and a real Kafka:
 * encounters and their status rules, an appointment made ARRIVED then FULFILLED through the
 * `clinical` topic, vital signs and their 400s, notes that only their author edits or signs, the
 * content hash, addenda, a database that refuses to change a signed note or an addendum, and a
 * finished encounter's charges reaching billing exactly once, also when billing was down, and the
 * FHIR Encounter and Observation, each checked by two FHIR validators.
 */
import assert from "node:assert/strict";
import postgres from "postgres";
import canonicalize from "canonicalize";
import { createBillingClient } from "@pms/billing-api";
import { fhirProblems } from "@pms/testing/fhir";
import { DEMO_USERS, type DemoRole, eventually, newPatient, startHarness } from "./_system.ts";

const SERVICES = ["auth", "patient", "billing", "audit", "scheduling", "clinical", "gateway"];
const WEEK = ["MON", "TUE", "WED", "THU", "FRI", "SAT", "SUN"];

const sha256 = async (text: string) =>
  Array.from(
    new Uint8Array(await crypto.subtle.digest("SHA-256", new TextEncoder().encode(text))),
    (b) => b.toString(16).padStart(2, "0"),
  ).join("");

Deno.test("clinical: encounters, vital signs, signed notes the database keeps", async (t) => {
  const h = await startHarness({ services: SERVICES });
  const sql = postgres(h.system.databaseUrls.clinical!, { max: 1, onnotice: () => {} });
  try {
    const tokens = {} as Record<DemoRole, string>;
    for (const role of Object.keys(DEMO_USERS) as DemoRole[]) {
      const [email, password] = DEMO_USERS[role];
      const res = await h.call("/auth/login", { method: "POST", body: { email, password } });
      tokens[role] = (await res.json()).token;
    }
    const clinician = tokens.CLINICIAN;
    const clinicianId = (await (await h.call("/auth/me", { token: clinician })).json())
      .id as string;
    const post = (path: string, body?: unknown, token = clinician, headers: HeadersInit = {}) =>
      h.call(path, { method: "POST", token, body, headers });
    const patch = (path: string, body: unknown, token = clinician, headers: HeadersInit = {}) =>
      h.call(path, { method: "PATCH", token, body, headers });
    const get = (path: string, token = clinician) => h.call(path, { token });
    const json = async (res: Response, status: number, label = "") => {
      const text = await res.text();
      assert.equal(res.status, status, `${label} ${text}`);
      return text ? JSON.parse(text) : undefined;
    };
    const patientId = (await json(await post("/api/patients", newPatient(), tokens.ADMIN), 201))
      .id as string;
    let encounter: any;

    await t.step("encounters: 201 with Location; roles; 400 and 404", async () => {
      const metadata = await (await h.call("/fhir/R4/metadata")).json();
      assert.ok(metadata.rest, JSON.stringify(metadata));
      const types = metadata.rest[0].resource.map((r: any) => r.type);
      assert.ok(types.includes("Encounter") && types.includes("Observation"), types.join());
      const res = await post("/api/encounters", {
        patientId,
        class: "AMBULATORY",
        reason: "Cough",
      });
      encounter = await json(res, 201);
      assert.equal(res.headers.get("Location"), `/api/encounters/${encounter.id}`);
      assert.equal(res.headers.get("ETag"), 'W/"1"');
      assert.equal(encounter.status, "IN_PROGRESS");
      assert.equal(encounter.practitionerId, clinicianId);
      assert.equal(encounter.appointmentId, null);
      assert.equal(encounter.endedAt, null);
      assert.match(encounter.startedAt, /Z$/);
      await json(
        await post("/api/encounters", { patientId, class: "AMBULATORY" }, tokens.FRONT_DESK),
        403,
      );
      await json(await get(`/api/encounters/${encounter.id}`, tokens.BILLING), 403);
      const bad = await json(await post("/api/encounters", { patientId, class: "WARD" }), 400);
      assert.ok("class" in bad);
      assert.deepEqual(
        await json(
          await post("/api/encounters", { patientId: crypto.randomUUID(), class: "HOME" }),
          404,
        ),
        { message: "Patient not found" },
      );
      assert.deepEqual(
        await json(
          await post("/api/encounters", {
            patientId,
            class: "HOME",
            appointmentId: crypto.randomUUID(),
          }),
          404,
        ),
        { message: "Appointment not found" },
      );
      const read = await get(`/api/encounters/${encounter.id}`);
      assert.deepEqual(await json(read, 200), encounter);
      assert.equal(read.headers.get("ETag"), 'W/"1"');
      const unchanged = await h.call(`/api/encounters/${encounter.id}`, {
        token: clinician,
        headers: { "If-None-Match": 'W/"1"' },
      });
      assert.equal(unchanged.status, 304);
      assert.equal(unchanged.headers.get("ETag"), 'W/"1"');
      assert.equal(await unchanged.text(), "");
      assert.deepEqual(await json(await get(`/api/encounters/${crypto.randomUUID()}`), 404), {
        message: "Encounter not found",
      });
      const list = await json(await get(`/api/encounters?patientId=${patientId}`), 200);
      assert.deepEqual(list.map((e: any) => e.id), [encounter.id]);
    });

    await t.step("observations: the LOINC table's codes, units and ranges", async () => {
      const path = `/api/encounters/${encounter.id}/observations`;
      const hr = await json(await post(path, { code: "8867-4", value: 72, unit: "/min" }), 201);
      assert.equal(hr.display, "Heart rate");
      assert.equal(hr.value, 72);
      assert.equal(hr.patientId, patientId);
      const temp = await json(
        await post(path, { code: "8310-5", value: 98.6, unit: "[degF]" }),
        201,
      );
      assert.equal(temp.unit, "[degF]");
      assert.equal(temp.value, 98.6);
      assert.deepEqual(
        await json(await post(path, { code: "1234-5", value: 1, unit: "/min" }), 400),
        { code: "Unknown observation code" },
      );
      assert.ok(
        "unit" in await json(await post(path, { code: "8867-4", value: 7, unit: "kg" }), 400),
      );
      assert.ok(
        "value" in await json(await post(path, { code: "8867-4", value: 401, unit: "/min" }), 400),
      );
      const future = new Date(Date.now() + 3_600_000).toISOString();
      assert.ok(
        "effectiveAt" in await json(
          await post(path, { code: "8867-4", value: 70, unit: "/min", effectiveAt: future }),
          400,
        ),
      );
      const found = await json(
        await get(`/api/observations?patientId=${patientId}&code=8867-4`),
        200,
      );
      assert.deepEqual(found.map((o: any) => o.id), [hr.id]);
    });

    let note: any;
    await t.step("notes: author-only edit and sign, If-Match, the 409s", async () => {
      const res = await post(`/api/encounters/${encounter.id}/notes`, {
        subjective: "Cough for 3 days",
        objective: "",
        assessment: "",
        plan: "",
      });
      note = await json(res, 201);
      assert.equal(res.headers.get("Location"), `/api/notes/${note.id}`);
      assert.equal(note.status, "DRAFT");
      assert.equal(note.authorId, clinicianId);
      assert.deepEqual(note.addenda, []);
      assert.ok(
        "subjective" in await json(
          await post(`/api/encounters/${encounter.id}/notes`, {
            subjective: "",
            objective: "",
            assessment: "",
            plan: "",
          }),
          400,
        ),
      );
      await json(await patch(`/api/notes/${note.id}`, { plan: "x" }, tokens.ADMIN), 403);
      await json(await post(`/api/notes/${note.id}/sign`, undefined, tokens.ADMIN), 403);
      await json(
        await patch(`/api/notes/${note.id}`, { plan: "x" }, clinician, { "If-Match": 'W/"9"' }),
        412,
      );
      const edited = await json(
        await patch(`/api/notes/${note.id}`, { plan: "Rest" }, clinician, {
          "If-Match": 'W/"1"',
          "Content-Type": "application/merge-patch+json",
        }),
        200,
      );
      assert.equal(edited.plan, "Rest");
      assert.equal(edited.subjective, "Cough for 3 days");
      assert.equal(edited.version, 2);
      // The note's id, version, createdAt and updatedAt sent back are ignored.
      const { id, version, createdAt, updatedAt } = edited;
      const same = await json(
        await patch(`/api/notes/${note.id}`, {
          id,
          version,
          createdAt,
          updatedAt,
          plan: "Rest",
          subjective: "Cough for 3 days",
        }),
        200,
      );
      assert.equal(same.version, 2, "a PATCH that changes nothing keeps the version");
      assert.deepEqual(
        await json(await patch(`/api/notes/${note.id}`, { id, status: "SIGNED" }), 400),
        { status: "Unknown field" },
      );
      assert.deepEqual(
        await json(await post(`/api/notes/${note.id}/addenda`, { text: "Later" }), 409),
        { message: "Note is not signed" },
      );
      assert.deepEqual(await json(await post(`/api/encounters/${encounter.id}/finish`), 409), {
        message: "Encounter has unsigned notes",
      });
      note = await json(await post(`/api/notes/${note.id}/sign`), 200);
      assert.equal(note.status, "SIGNED");
      assert.equal(note.signedBy, clinicianId);
      assert.match(note.signedAt, /Z$/);
      const { subjective, objective, assessment, plan } = note;
      assert.equal(
        note.contentHash,
        await sha256(canonicalize({ subjective, objective, assessment, plan })!),
      );
      assert.deepEqual(await json(await patch(`/api/notes/${note.id}`, { plan: "x" }), 409), {
        message: "Note is signed",
      });
      assert.deepEqual(await json(await post(`/api/notes/${note.id}/sign`), 409), {
        message: "Note is signed",
      });
    });

    await t.step("finish, then writes and addenda", async () => {
      const finished = await json(await post(`/api/encounters/${encounter.id}/finish`, {}), 200);
      assert.equal(finished.status, "FINISHED");
      assert.match(finished.endedAt, /Z$/);
      assert.deepEqual(await json(await post(`/api/encounters/${encounter.id}/finish`), 409), {
        message: "Encounter is not in progress",
      });
      assert.deepEqual(await json(await post(`/api/encounters/${encounter.id}/cancel`), 409), {
        message: "Encounter is not in progress",
      });
      await json(
        await post(`/api/encounters/${encounter.id}/observations`, {
          code: "8867-4",
          value: 70,
          unit: "/min",
        }),
        409,
      );
      await json(
        await post(`/api/encounters/${encounter.id}/notes`, { subjective: "More" }),
        409,
      );
      // Addenda are allowed whatever the encounter's status.
      const added = await post(`/api/notes/${note.id}/addenda`, { text: "Culture negative" });
      // An addendum is a record of its own, answered with its ETag like every other.
      assert.equal(added.headers.get("ETag"), 'W/"1"');
      const addendum = await json(added, 201);
      assert.equal(addendum.authorId, clinicianId);
      const res = await get(`/api/notes/${note.id}`);
      const read = await json(res, 200);
      assert.deepEqual(read.addenda, [addendum]);
      const etag = res.headers.get("ETag")!;
      const unchanged = await h.call(`/api/notes/${note.id}`, {
        token: clinician,
        headers: { "If-None-Match": `W/"0", ${etag}` },
      });
      assert.equal(unchanged.status, 304);
      assert.equal(unchanged.headers.get("ETag"), etag);
      assert.equal(await unchanged.text(), "");
      const listed = await json(await get(`/api/notes?encounterId=${encounter.id}`), 200);
      assert.equal(listed.length, 1);
    });

    await t.step("a cancelled encounter's draft can no longer be edited or signed", async () => {
      const opened = await json(
        await post("/api/encounters", { patientId, class: "VIRTUAL" }),
        201,
      );
      const draft = await json(
        await post(`/api/encounters/${opened.id}/notes`, { subjective: "Call dropped" }),
        201,
      );
      await json(await post(`/api/encounters/${opened.id}/cancel`), 200);
      const refused = { message: "Encounter is not in progress" };
      assert.deepEqual(
        await json(await patch(`/api/notes/${draft.id}`, { plan: "Later" }), 409),
        refused,
      );
      assert.deepEqual(await json(await post(`/api/notes/${draft.id}/sign`), 409), refused);
      const kept = await json(await get(`/api/notes/${draft.id}`), 200);
      assert.equal(kept.status, "DRAFT");
      assert.equal(kept.plan, "");
    });

    await t.step("a patientId filter must name a patient that exists: 404 otherwise", async () => {
      const gone = (await json(await post("/api/patients", newPatient(), tokens.ADMIN), 201))
        .id as string;
      await json(
        await h.call(`/api/patients/${gone}`, { method: "DELETE", token: tokens.ADMIN }),
        204,
      );
      for (
        const path of ["/api/encounters", "/api/observations", "/api/notes", "/api/appointments"]
      ) {
        assert.ok(Array.isArray(await json(await get(`${path}?patientId=${patientId}`), 200)));
        for (const id of [crypto.randomUUID(), gone]) {
          assert.deepEqual(
            await json(await get(`${path}?patientId=${id}`), 404, path),
            { message: "Patient not found" },
          );
        }
        await json(await get(`${path}?patientId=not-a-uuid`), 400, path);
      }
    });

    await t.step(
      "a search's audit record keeps its filters; control characters are 400",
      async () => {
        const requestId = crypto.randomUUID();
        const from = "2020-01-01T00:00:00Z";
        await json(
          await h.call(`/api/observations?patientId=${patientId}&code=8867-4&from=${from}`, {
            token: clinician,
            headers: { "X-Request-Id": requestId },
          }),
          200,
        );
        const record = await eventually("the search's audit record", async () => {
          const res = await h.call(`/api/audit?action=observation.search&size=100`, {
            token: tokens.AUDITOR,
          });
          const found: any[] = await res.json();
          return found.find((r) => r.requestId === requestId);
        });
        assert.deepEqual(record.details, { patientId, code: "8867-4", from, page: 0, size: 50 });
        // Another patient's visit, so the later steps' lists stay as they were.
        const other = (await json(await post("/api/patients", newPatient(), tokens.ADMIN), 201))
          .id as string;
        const open = await json(
          await post("/api/encounters", { patientId: other, class: "HOME" }),
          201,
        );
        const bad = await json(
          await post(`/api/encounters/${open.id}/notes`, { subjective: "a\u0000b" }),
          400,
        );
        assert.ok("subjective" in bad, JSON.stringify(bad));
        await json(
          await post("/api/encounters", { patientId: other, class: "HOME", reason: "a\u0000b" }),
          400,
        );
        // Line breaks are text, not control.
        await json(
          await post(`/api/encounters/${open.id}/notes`, { subjective: "Cough.\nNo fever." }),
          201,
        );
        // A note at its bounds in a script of 3-byte characters (120,000 bytes) fits the body
        // limits of the gateway and the service; one character more in a field is a 400.
        const full = "診".repeat(10_000);
        const longest = { subjective: full, objective: full, assessment: full, plan: full };
        const kept = await json(await post(`/api/encounters/${open.id}/notes`, longest), 201);
        assert.equal(kept.plan, full);
        assert.ok(
          "plan" in await json(
            await post(`/api/encounters/${open.id}/notes`, { ...longest, plan: `${full}診` }),
            400,
          ),
        );
      },
    );

    await t.step("the database refuses to change a signed note or an addendum", async () => {
      await assert.rejects(sql`update notes set plan = 'changed' where id = ${note.id}`, /signed/);
      await assert.rejects(sql`delete from notes where id = ${note.id}`, /signed/);
      await assert.rejects(sql`update addenda set text = 'changed'`, /append-only/);
      await assert.rejects(sql`delete from addenda`, /append-only/);
      const [row] = await sql`select plan from notes where id = ${note.id}`;
      assert.equal(row!.plan, "Rest");
    });

    await t.step("an appointment's encounter makes it ARRIVED, then FULFILLED", async () => {
      const schedule = await json(
        await post("/api/schedules", {
          name: "Dr Clinician",
          kind: "PRACTITIONER",
          practitionerId: clinicianId,
          timeZone: "UTC",
          slotMinutes: 30,
          availability: WEEK.map((weekday) => ({ weekday, start: "00:00", end: "24:00" })),
        }, tokens.ADMIN),
        201,
      );
      const start = new Date(Math.ceil(Date.now() / 1_800_000) * 1_800_000 + 3_600_000);
      const appointment = await json(
        await post("/api/appointments", {
          patientId,
          scheduleId: schedule.id,
          start: start.toISOString(),
          end: new Date(start.getTime() + 1_800_000).toISOString(),
        }, tokens.FRONT_DESK),
        201,
      );
      const other = (await json(await post("/api/patients", newPatient(), tokens.ADMIN), 201)).id;
      assert.equal(
        (await post("/api/encounters", {
          patientId: other,
          class: "AMBULATORY",
          appointmentId: appointment.id,
        })).status,
        409,
      );
      const visit = await json(
        await post("/api/encounters", {
          patientId,
          class: "AMBULATORY",
          appointmentId: appointment.id,
        }),
        201,
      );
      assert.equal(visit.appointmentId, appointment.id);
      const statusOf = async () =>
        (await json(await get(`/api/appointments/${appointment.id}`), 200)).status;
      await eventually("ARRIVED", async () => (await statusOf()) === "ARRIVED" ? true : undefined);
      await json(await post(`/api/encounters/${visit.id}/finish`), 200);
      await eventually(
        "FULFILLED",
        async () => (await statusOf()) === "FULFILLED" ? true : undefined,
      );
      assert.equal(
        (await post("/api/encounters", {
          patientId,
          class: "AMBULATORY",
          appointmentId: appointment.id,
        })).status,
        409,
      );
    });

    await t.step("charges reach billing exactly once, also when billing was down", async () => {
      const charges = (role = tokens.BILLING) =>
        get(`/api/billing/accounts/${patientId}/charges`, role);
      // The patient's billing account is opened asynchronously.
      await eventually(
        "billing account",
        async () => (await charges()).status === 200 ? true : undefined,
      );
      const visit = await json(await post("/api/encounters", { patientId, class: "VIRTUAL" }), 201);
      await h.system.stopService("billing");
      const charge = {
        code: "99213",
        description: "Office visit",
        amount: { amount: 12500, currency: "USD" },
      };
      assert.ok(
        "charges" in await json(
          await post(`/api/encounters/${visit.id}/finish`, {
            charges: Array.from({ length: 21 }, () => charge),
          }),
          400,
        ),
      );
      await json(await post(`/api/encounters/${visit.id}/finish`, { charges: [charge] }), 200);
      await new Promise((r) => setTimeout(r, 1_000));
      await h.system.startService("billing");
      const found = await eventually("the charge", async () => {
        const list = await json(await charges(), 200);
        return list.length > 0 ? list : undefined;
      });
      await new Promise((r) => setTimeout(r, 1_500));
      const after = await json(await charges(), 200);
      assert.equal(after.length, 1);
      assert.equal(found[0].description, "Office visit");
      assert.equal(found[0].serviceDate, visit.startedAt.slice(0, 10));
      const [row] = await sql`select sent_at from charge_requests where encounter_id = ${visit.id}`;
      assert.ok(row!.sent_at);

      // The same request delivered twice charges once.
      const billing = createBillingClient({ address: h.system.grpcAddresses.billing! });
      try {
        const request = {
          requestId: crypto.randomUUID(),
          patientId,
          serviceDate: "2026-01-02",
          charges: [{ code: "X1", description: "Dressing", amount: 500, currency: "USD" }],
        };
        const first = await billing.addCharges(request);
        const second = await billing.addCharges(request);
        assert.equal(first.chargeIds.length, 1);
        assert.deepEqual(second, first);
        assert.equal((await json(await charges(), 200)).length, 2);
      } finally {
        billing.close();
      }
    });

    await t.step("FHIR: Encounter and Observation read and search, validator-clean", async () => {
      const fhir = async (path: string, status = 200) => {
        const res = await get(`/fhir/R4${path}`);
        const body = await json(res, status, path);
        if (status === 200) {
          assert.match(res.headers.get("Content-Type") ?? "", /application\/fhir\+json/);
        }
        assert.deepEqual(fhirProblems(body), [], `${path}: ${JSON.stringify(body)}`);
        return body;
      };
      const read = await fhir(`/Encounter/${encounter.id}`);
      assert.equal(read.resourceType, "Encounter");
      assert.equal(read.status, "finished");
      assert.equal(read.subject.reference, `Patient/${patientId}`);
      assert.equal(read.class.code, "AMB");
      const bundle = await fhir(`/Encounter?patient=Patient/${patientId}&status=finished&_count=1`);
      assert.equal(bundle.type, "searchset");
      assert.equal(bundle.entry.length, 1);
      assert.ok(bundle.total >= 2);
      // Paged by `_offset`: the second page links back to the first.
      const link = (b: any, relation: string) =>
        b.link.find((l: { relation: string }) => l.relation === relation)?.url as string;
      assert.equal(link(bundle, "previous"), undefined);
      const second = await fhir(link(bundle, "next").split("/fhir/R4")[1]!);
      assert.equal(second.entry.length, 1);
      assert.match(link(second, "previous"), /[?&]_offset=0(&|$)/);
      const obs = await fhir(`/Observation?patient=${patientId}&code=http://loinc.org|8867-4`);
      assert.equal(obs.total, 1);
      const o = obs.entry[0].resource;
      assert.equal(o.category[0].coding[0].code, "vital-signs");
      assert.deepEqual(o.valueQuantity, {
        value: 72,
        unit: "/min",
        system: "http://unitsofmeasure.org",
        code: "/min",
      });
      assert.equal((await fhir(`/Observation/${o.id}`)).id, o.id);
      const day = encounter.startedAt.slice(0, 10);
      assert.equal((await fhir(`/Encounter?patient=${patientId}&date=${day}`)).total >= 1, true);
      assert.equal((await fhir(`/Encounter?patient=${patientId}&date=lt2000-01-01`)).total, 0);
      await fhir(`/Encounter/${crypto.randomUUID()}`, 404);
      await fhir(`/Encounter?bogus=1`, 400);
      for (const path of [`/Encounter/${encounter.id}`, `/Observation/${o.id}`]) {
        const first = await get(`/fhir/R4${path}`);
        await first.body?.cancel();
        const etag = first.headers.get("ETag")!;
        assert.match(etag, /^W\/"\d+"$/, path);
        for (const tag of [etag, "*"]) {
          const again = await h.call(`/fhir/R4${path}`, {
            token: clinician,
            headers: { "If-None-Match": tag },
          });
          assert.equal(again.status, 304, `${path} ${tag}`);
          assert.equal(again.headers.get("ETag"), etag, `${path} ${tag}`);
          assert.equal(await again.text(), "", `${path} ${tag}`);
        }
      }
    });
  } finally {
    await sql.end();
    await h.system.stop();
  }
});
