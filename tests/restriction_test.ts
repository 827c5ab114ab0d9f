// deno-lint-ignore-file no-explicit-any
/**
 * Restricted records and break-glass through the gateway on real processes, PostgreSQL, Kafka and
 * an SMTP server: the restriction calls, every service refusing a restricted record from the
 * moment the restriction answered (patient REST and FHIR, history, consents, appointments,
 * encounters, billing) and masking it in lists and searches, a break-glass grant opening it with
 * each call marked in the audit trail, the grant's expiry, the security alert without patient
 * data, and the review queue of the audit service.
 */
import assert from "node:assert/strict";
import postgres from "postgres";
import { startSmtpSink } from "@pms/testing";
import { eventually, expectJson, loginEveryRole, newPatient, startHarness } from "./_system.ts";

const SERVICES = [
  "auth",
  "patient",
  "billing",
  "audit",
  "scheduling",
  "clinical",
  "notification",
  "gateway",
];
const WEEK = ["MON", "TUE", "WED", "THU", "FRI", "SAT", "SUN"];
const ALERTS = "security-officer@clinic.test";
const R = "http://terminology.hl7.org/CodeSystem/v3-Confidentiality";

Deno.test("restricted records: refused everywhere at once, masked in lists, break-glass reviewed", async (t) => {
  const sink = await startSmtpSink();
  const h = await startHarness({
    services: SERVICES,
    smtpUrl: sink.url,
    env: { notification: { SECURITY_ALERT_EMAIL: ALERTS } },
  });
  const patientDb = postgres(h.system.databaseUrls.patient!, { max: 1, onnotice: () => {} });
  try {
    const { tokens, ids } = await loginEveryRole(h);
    const json = expectJson;
    const get = (path: string, token: string) => h.call(path, { token });
    const send = (method: string, path: string, body: unknown, token: string) =>
      h.call(path, { method, token, body });
    const refused = async (res: Response, label: string) =>
      assert.deepEqual(await json(res, 403, label), {
        message: "Record is restricted",
        breakGlass: true,
      });

    const patient = newPatient();
    const created = { method: "POST", token: tokens.ADMIN, body: patient };
    const createKey = { "Idempotency-Key": `restricted-${crypto.randomUUID()}` };
    const id = (await json(await h.call("/api/patients", { ...created, headers: createKey }), 201))
      .id;
    const other = (await json(await send("POST", "/api/patients", newPatient(), tokens.ADMIN), 201))
      .id;
    const group = await json(
      await send(
        "POST",
        "/api/groups",
        { name: `Family ${id.slice(0, 8)}`, kind: "FAMILY" },
        tokens.ADMIN,
      ),
      201,
    );
    for (const member of [id, other]) {
      await json(
        await send(
          "POST",
          `/api/groups/${group.id}/members`,
          { patientId: member, relationship: "OTHER" },
          tokens.ADMIN,
        ),
        201,
      );
    }
    const schedule = await json(
      await send("POST", "/api/schedules", {
        name: "Dr Restricted",
        kind: "PRACTITIONER",
        practitionerId: ids.CLINICIAN,
        timeZone: "UTC",
        slotMinutes: 30,
        availability: WEEK.map((weekday) => ({ weekday, start: "00:00", end: "24:00" })),
      }, tokens.ADMIN),
      201,
    );
    const start = new Date(Math.ceil(Date.now() / 1_800_000) * 1_800_000 + 7_200_000);
    const slot = (n: number) => ({
      scheduleId: schedule.id,
      start: new Date(start.getTime() + n * 1_800_000).toISOString(),
      end: new Date(start.getTime() + (n + 1) * 1_800_000).toISOString(),
    });
    const appointment = await json(
      await send("POST", "/api/appointments", { patientId: id, ...slot(0) }, tokens.FRONT_DESK),
      201,
    );
    await json(
      await send("POST", "/api/appointments", { patientId: other, ...slot(1) }, tokens.FRONT_DESK),
      201,
    );
    const encounter = await json(
      await send(
        "POST",
        "/api/encounters",
        { patientId: id, class: "AMBULATORY" },
        tokens.CLINICIAN,
      ),
      201,
    );
    await eventually(
      "billing account",
      async () =>
        (await get(`/api/billing/accounts/${id}`, tokens.BILLING)).status === 200
          ? true
          : undefined,
    );
    const restriction = `/api/patients/${id}/restriction`;

    await t.step("restriction calls: ADMIN only, 400, 404, the restriction as set", async () => {
      const body = { allowedUserIds: [ids.CLINICIAN], reason: "Member of staff" };
      await json(await send("PUT", restriction, body, tokens.CLINICIAN), 403);
      assert.ok(
        "allowedUserIds" in
          await json(
            await send("PUT", restriction, { ...body, allowedUserIds: [] }, tokens.ADMIN),
            400,
          ),
      );
      const many = Array.from({ length: 51 }, (_, i) => `user-${i}`);
      await json(
        await send("PUT", restriction, { ...body, allowedUserIds: many }, tokens.ADMIN),
        400,
      );
      // User ids are UUIDs.
      assert.ok(
        "allowedUserIds" in
          await json(
            await send(
              "PUT",
              restriction,
              { allowedUserIds: ["not-a-user-id"], reason: "x" },
              tokens.ADMIN,
            ),
            400,
          ),
      );
      assert.ok(
        "reason" in
          await json(await send("PUT", restriction, { ...body, reason: "" }, tokens.ADMIN), 400),
      );
      await json(
        await send("PUT", `/api/patients/${crypto.randomUUID()}/restriction`, body, tokens.ADMIN),
        404,
      );
      assert.deepEqual(await json(await get(restriction, tokens.ADMIN), 404), {
        message: "Patient is not restricted",
      });
      const set = await json(await send("PUT", restriction, body, tokens.ADMIN), 200);
      // No wait at all: every service refuses the record from the restriction's answer on.
      const [rest, fhir, appt, enc, account] = await Promise.all([
        get(`/api/patients/${id}`, tokens.ADMIN),
        get(`/fhir/R4/Patient/${id}`, tokens.ADMIN),
        get(`/api/appointments/${appointment.id}`, tokens.FRONT_DESK),
        get(`/api/encounters/${encounter.id}`, tokens.ADMIN),
        get(`/api/billing/accounts/${id}`, tokens.BILLING),
      ]);
      await refused(rest, "patient");
      const outcome = await json(fhir, 403, "FHIR");
      assert.equal(outcome.resourceType, "OperationOutcome");
      assert.equal(outcome.issue[0].code, "forbidden");
      await refused(appt, "appointment");
      await refused(enc, "encounter");
      await refused(account, "billing account");
      assert.equal(set.patientId, id);
      assert.deepEqual(set.allowedUserIds, [ids.CLINICIAN]);
      assert.equal(set.reason, "Member of staff");
      assert.equal(set.setBy, ids.ADMIN);
      assert.match(set.setAt, /Z$/);
      assert.equal(set.version, 1);
      assert.equal(set.createdAt, set.setAt);
      assert.equal(set.updatedAt, set.setAt);
      const read = await get(restriction, tokens.ADMIN);
      assert.equal(read.headers.get("ETag"), 'W/"1"');
      assert.deepEqual(await json(read, 200), set);
      // Set again: one version up, first set when it was.
      const again = await json(await send("PUT", restriction, body, tokens.ADMIN), 200);
      assert.equal(again.version, 2);
      assert.equal(again.createdAt, set.createdAt);
      const unchanged = await h.call(restriction, {
        token: tokens.ADMIN,
        headers: { "If-None-Match": 'W/"2"' },
      });
      assert.equal(unchanged.status, 304);
      await unchanged.body?.cancel();
    });

    await t.step(
      "every call on the record is refused to the unlisted, ADMIN included",
      async () => {
        for (
          const [path, token] of [
            [`/api/patients/${id}/history`, tokens.ADMIN],
            [`/api/patients/${id}/duplicates`, tokens.ADMIN],
            [`/api/patients/${id}/consents`, tokens.FRONT_DESK],
            [`/api/patients/${id}/groups`, tokens.FRONT_DESK],
            [`/api/billing/accounts/${id}/statement`, tokens.BILLING],
          ] as const
        ) {
          await refused(await get(path, token), path);
        }
        await refused(
          await send("PATCH", `/api/patients/${id}`, { address: "Elsewhere 1" }, tokens.ADMIN),
          "PATCH",
        );
        await refused(
          await send(
            "PATCH",
            `/api/appointments/${appointment.id}`,
            { ...slot(3) },
            tokens.FRONT_DESK,
          ),
          "appointment change",
        );
        await refused(
          await send("POST", "/api/appointments", { patientId: id, ...slot(4) }, tokens.FRONT_DESK),
          "booking",
        );
        const [row] = await patientDb`select address from patients where id = ${id}`;
        assert.equal(row!.address, patient.address, "a refused change changes nothing");
        // A search filtered by the patient is a call on it, REST and FHIR alike.
        for (
          const [path, token] of [
            [`/api/appointments?patientId=${id}`, tokens.FRONT_DESK],
            [`/api/encounters?patientId=${id}`, tokens.ADMIN],
            [`/api/observations?patientId=${id}`, tokens.ADMIN],
            [`/api/notes?patientId=${id}`, tokens.ADMIN],
          ] as const
        ) {
          await refused(await get(path, token), path);
        }
        for (
          const path of [
            `/fhir/R4/Appointment?patient=${id}`,
            `/fhir/R4/Encounter?patient=Patient/${id}`,
            `/fhir/R4/Observation?patient=${id}`,
          ]
        ) {
          const outcome = await json(await get(path, tokens.ADMIN), 403, path);
          assert.equal(outcome.issue[0].code, "forbidden", path);
        }
        // Named again after an open patient, or behind a tag the caller says it holds.
        const repeated = `/fhir/R4/Encounter?patient=${other}&patient=${id}`;
        assert.equal(
          (await json(await get(repeated, tokens.ADMIN), 403)).issue[0].code,
          "forbidden",
        );
        for (
          const path of [`/api/encounters/${encounter.id}`, `/api/appointments/${appointment.id}`]
        ) {
          await refused(
            await h.call(path, { token: tokens.ADMIN, headers: { "If-None-Match": "*" } }),
            `${path} If-None-Match`,
          );
        }
        // Replaying the create's Idempotency-Key answers the record no more.
        await refused(
          await h.call("/api/patients", { ...created, headers: createKey }),
          "create replayed",
        );
      },
    );

    await t.step("a role the call does not admit is Forbidden, restricted or not", async () => {
      for (
        const [path, token] of [
          [`/api/patients/${id}`, tokens.AUDITOR],
          [`/api/patients/${id}/history`, tokens.BILLING],
          [`/api/notifications?patientId=${id}`, tokens.FRONT_DESK],
        ] as const
      ) {
        assert.deepEqual(await json(await get(path, token), 403, path), { message: "Forbidden" });
      }
      assert.deepEqual(
        await json(
          await send(
            "POST",
            `/api/patients/${other}/merge?preview=true`,
            { sourceId: id, reason: "Same person" },
            tokens.CLINICIAN,
          ),
          403,
        ),
        { message: "Forbidden" },
      );
    });

    await t.step("a restricted patient named in a body or as a second id is refused", async () => {
      const family = await json(
        await send(
          "POST",
          "/api/groups",
          { name: `Other ${id.slice(0, 8)}`, kind: "OTHER" },
          tokens.ADMIN,
        ),
        201,
      );
      for (const token of [tokens.FRONT_DESK, tokens.ADMIN]) {
        await refused(
          await send(
            "POST",
            `/api/groups/${family.id}/members`,
            { patientId: id, relationship: "OTHER" },
            token,
          ),
          "group member add",
        );
      }
      assert.deepEqual(
        (await json(await get(`/api/groups/${family.id}`, tokens.ADMIN), 200)).members,
        [],
        "a refused add adds nothing",
      );
      const merge = { sourceId: id, reason: "Same person" };
      await refused(
        await send("POST", `/api/patients/${other}/merge?preview=true`, merge, tokens.ADMIN),
        "merge preview, restricted source",
      );
      await refused(
        await send("POST", `/api/patients/${other}/merge`, merge, tokens.ADMIN),
        "merge, restricted source",
      );
      await refused(
        await send(
          "POST",
          `/api/patients/${id}/merge?preview=true`,
          { ...merge, sourceId: other },
          tokens.ADMIN,
        ),
        "merge preview, restricted target",
      );
      const [row] = await patientDb`select merged_into from patients where id = ${id}`;
      assert.equal(row!.merged_into, null, "a refused merge merges nothing");
      await refused(
        await send(
          "POST",
          `/api/patients/${other}/duplicates/${id}/dismiss`,
          undefined,
          tokens.ADMIN,
        ),
        "dismiss, restricted other",
      );
      await refused(
        await send(
          "POST",
          `/api/patients/${id}/duplicates/${other}/dismiss`,
          undefined,
          tokens.ADMIN,
        ),
        "dismiss, restricted first",
      );
      await refused(
        await get(`/api/notifications?patientId=${id}`, tokens.ADMIN),
        "notifications",
      );
      // The listed clinician is let through.
      await json(await get(`/api/notifications?patientId=${id}`, tokens.CLINICIAN), 200);
      await json(await get(`/api/notifications?patientId=${other}`, tokens.ADMIN), 200);
    });

    await t.step("lists and searches show the record as {id, restricted} only", async () => {
      const search = await json(
        await get(`/api/patients?search=${encodeURIComponent(patient.email)}`, tokens.FRONT_DESK),
        200,
      );
      assert.deepEqual(search, [{ id, restricted: true }]);
      const members = (await json(await get(`/api/groups/${group.id}`, tokens.FRONT_DESK), 200))
        .members;
      assert.deepEqual(members.find((m: any) => m.patientId === id), {
        patientId: id,
        restricted: true,
      });
      assert.ok(members.find((m: any) => m.patientId === other).name);
      // A change's answer masks the member as a read does.
      const renamed = await json(
        await send("PATCH", `/api/groups/${group.id}`, { name: group.name }, tokens.FRONT_DESK),
        200,
      );
      assert.deepEqual(renamed.members.find((m: any) => m.patientId === id), {
        patientId: id,
        restricted: true,
      });
      const bundle = await json(
        await get(`/fhir/R4/Patient?_id=${id},${other}`, tokens.FRONT_DESK),
        200,
      );
      const hidden = bundle.entry.map((e: any) => e.resource).find((r: any) => r.id === id);
      assert.deepEqual(hidden.meta.security, [{ system: R, code: "R", display: "restricted" }]);
      assert.equal(hidden.name, undefined);
      const list = await json(
        await get(`/api/appointments?scheduleId=${schedule.id}`, tokens.FRONT_DESK),
        200,
      );
      assert.deepEqual(list.find((a: any) => a.id === appointment.id), {
        id: appointment.id,
        restricted: true,
      });
      assert.equal(list.length, 2, "the list keeps its length");
      // The listed clinician sees it all.
      await json(await get(`/api/patients/${id}`, tokens.CLINICIAN), 200);
      await json(await get(`/api/encounters/${encounter.id}`, tokens.CLINICIAN), 200);
      const seen = await json(
        await get(`/api/appointments?scheduleId=${schedule.id}`, tokens.CLINICIAN),
        200,
      );
      assert.equal(seen.find((a: any) => a.id === appointment.id).patientId, id);
    });

    let grantId = "";
    await t.step(
      "break-glass: 400, 403, 201, then the record opens, each call marked",
      async () => {
        const path = `/api/patients/${id}/break-glass`;
        const ask = { reason: "EMERGENCY", justification: "Unconscious in the emergency room" };
        await json(await send("POST", path, ask, tokens.FRONT_DESK), 403);
        assert.ok(
          "justification" in
            await json(
              await send("POST", path, { ...ask, justification: "short" }, tokens.ADMIN),
              400,
            ),
        );
        assert.ok(
          "reason" in
            await json(await send("POST", path, { ...ask, reason: "BORED" }, tokens.ADMIN), 400),
        );
        await json(
          await send("POST", `/api/patients/${crypto.randomUUID()}/break-glass`, ask, tokens.ADMIN),
          404,
        );
        const before = Date.now();
        // With an Idempotency-Key a retry replays the grant instead of making a second one.
        const once = () =>
          h.call(path, {
            method: "POST",
            token: tokens.ADMIN,
            body: ask,
            headers: { "Idempotency-Key": `glass-${id}` },
          });
        const grant = await json(await once(), 201);
        const replay = await once();
        assert.equal(replay.headers.get("Idempotent-Replayed"), "true");
        assert.equal((await json(replay, 201)).grantId, grant.grantId);
        grantId = grant.grantId;
        assert.equal(grant.patientId, id);
        assert.equal(grant.userId, ids.ADMIN);
        assert.equal(grant.reason, "EMERGENCY");
        const minutes = (Date.parse(grant.expiresAt) - before) / 60_000;
        assert.ok(minutes > 59 && minutes <= 61, `expires in ${minutes} minutes`);
        const read = await get(`/api/patients/${id}`, tokens.ADMIN);
        const requestId = read.headers.get("x-request-id");
        await json(read, 200);
        await json(await get(`/api/encounters/${encounter.id}`, tokens.ADMIN), 200);
        // Others still are refused: the grant is the ADMIN's.
        await refused(await get(`/api/patients/${id}`, tokens.FRONT_DESK), "other user");
        const marked = await eventually("the read's record marked", async () => {
          const records = await json(
            await get(`/api/audit?patientId=${id}&action=patient.read`, tokens.AUDITOR),
            200,
          );
          return records.find((r: any) => r.requestId === requestId);
        });
        assert.equal(marked.details.breakGlass, grantId);
        assert.equal(marked.outcome, "SUCCESS");
      },
    );

    await t.step("the security alert names no patient data", async () => {
      const mail = await eventually(
        "alert mail",
        () =>
          Promise.resolve(sink.received.find((m) => m.includes(ALERTS) && /Break-glass/i.test(m))),
      );
      for (const secret of [id, patient.name, patient.email]) {
        assert.ok(!mail.includes(secret), `the alert holds ${secret}`);
      }
    });

    await t.step("review queue: AUDITOR and ADMIN, accesses counted, reviewed once", async () => {
      await json(await get("/api/audit/break-glass", tokens.CLINICIAN), 403);
      await json(await get("/api/audit/break-glass?reviewed=maybe", tokens.AUDITOR), 400);
      const entry = await eventually("the grant with its accesses", async () => {
        const queue = await json(
          await get("/api/audit/break-glass?reviewed=false", tokens.AUDITOR),
          200,
        );
        const found = queue.find((g: any) => g.grantId === grantId);
        return found && found.accesses >= 2 ? found : undefined;
      });
      assert.equal(entry.patientId, id);
      assert.equal(entry.userId, ids.ADMIN);
      assert.equal(entry.reason, "EMERGENCY");
      assert.equal(entry.justification, "Unconscious in the emergency room");
      assert.equal(entry.reviewedBy, null);
      // The replayed grant request is recorded too, but grants nothing: one entry, each a grant.
      const waiting = await json(
        await get("/api/audit/break-glass?reviewed=false&size=100", tokens.AUDITOR),
        200,
      );
      assert.equal(waiting.filter((g: any) => g.grantId === grantId).length, 1);
      assert.ok(waiting.every((g: any) => typeof g.grantId === "string"), JSON.stringify(waiting));
      const review = `/api/audit/break-glass/${grantId}/review`;
      assert.ok("note" in await json(await send("POST", review, {}, tokens.AUDITOR), 400));
      await json(
        await send(
          "POST",
          `/api/audit/break-glass/${crypto.randomUUID()}/review`,
          { note: "ok" },
          tokens.AUDITOR,
        ),
        404,
      );
      const reviewed = await json(
        await send("POST", review, { note: "Justified" }, tokens.AUDITOR),
        200,
      );
      assert.equal(reviewed.reviewedBy, ids.AUDITOR);
      assert.equal(reviewed.reviewNote, "Justified");
      assert.match(reviewed.reviewedAt, /Z$/);
      await json(await send("POST", review, { note: "Again" }, tokens.ADMIN), 409);
      const done = await json(await get("/api/audit/break-glass?reviewed=true", tokens.ADMIN), 200);
      assert.ok(done.some((g: any) => g.grantId === grantId));
      const records = await json(
        await get(`/api/audit?action=audit.break-glass.review&patientId=${id}`, tokens.AUDITOR),
        200,
      );
      assert.equal(records.filter((r: any) => r.outcome === "SUCCESS").length, 1);
    });

    await t.step("an expired grant opens nothing", async () => {
      // The clock moved on: the grant's end is put in the past, and announced as every change of
      // the rules is (the service holds them in memory).
      await patientDb`
        update break_glass_grants set expires_at = now() - interval '1 second'
        where id = ${grantId}`;
      await patientDb`select pg_notify('patient_restrictions', '')`;
      await eventually("the grant ended", async () => {
        const res = await get(`/api/patients/${id}`, tokens.ADMIN);
        await res.body?.cancel();
        return res.status === 403 ? true : undefined;
      });
      await refused(await get(`/api/patients/${id}`, tokens.ADMIN), "after expiry");
    });

    await t.step("a grant is reviewed at once; free text keeps its line breaks", async () => {
      const justification = "Unconscious in the emergency room.\nNo relative reachable.";
      assert.ok(
        "justification" in await json(
          await send(
            "POST",
            `/api/patients/${id}/break-glass`,
            { reason: "EMERGENCY", justification: "Unconscious in the\u0007 emergency room" },
            tokens.ADMIN,
          ),
          400,
        ),
      );
      const grant = await json(
        await send(
          "POST",
          `/api/patients/${id}/break-glass`,
          { reason: "PATIENT_SAFETY", justification },
          tokens.ADMIN,
        ),
        201,
      );
      const review = `/api/audit/break-glass/${grant.grantId}/review`;
      assert.deepEqual(
        await json(await send("POST", review, { note: "Checked.\u0007" }, tokens.AUDITOR), 400),
        { note: "note contains invalid characters" },
      );
      // No wait: the grant is still on its way to the audit service.
      const reviewed = await json(
        await send("POST", review, { note: "Checked.\nJustified." }, tokens.AUDITOR),
        200,
      );
      assert.equal(reviewed.grantId, grant.grantId);
      assert.equal(reviewed.reviewedBy, ids.AUDITOR);
      assert.equal(reviewed.reviewNote, "Checked.\nJustified.");
      assert.equal(reviewed.justification, justification);
      await patientDb`
        update break_glass_grants set expires_at = now() - interval '1 second'
        where id = ${grant.grantId}`;
      await patientDb`select pg_notify('patient_restrictions', '')`;
    });

    await t.step("clearing the restriction opens the record again", async () => {
      await json(await send("DELETE", restriction, undefined, tokens.ADMIN), 204);
      await json(await get(`/api/patients/${id}`, tokens.FRONT_DESK), 200);
      await json(await get(`/api/appointments/${appointment.id}`, tokens.FRONT_DESK), 200);
      assert.deepEqual(
        await json(await send("DELETE", restriction, undefined, tokens.ADMIN), 404),
        {
          message: "Patient is not restricted",
        },
      );
      // Set again after a clear: its version goes on, so no tag names two restrictions.
      const body = { allowedUserIds: [ids.ADMIN], reason: "Set again" };
      const again = await json(await send("PUT", restriction, body, tokens.ADMIN), 200);
      assert.equal(again.version, 3);
      await json(await send("DELETE", restriction, undefined, tokens.ADMIN), 204);
    });
  } finally {
    await patientDb.end();
    await h.system.stop();
    await sink.close();
  }
});
