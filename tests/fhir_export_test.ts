// deno-lint-ignore-file no-explicit-any
/**
 * FHIR Bulk Data export through the gateway on real processes: the kick-off's rules (Prefer,
 * `_type`, roles, unknown group), the status with X-Progress then the manifest, NDJSON files with
 * every line validator-clean, the exclusions (deleted, merged, restricted, DATA_SHARING denied),
 * a group's export, the disclosures, cancellation; and 10,000 patients streamed part by part.
 */
import assert from "node:assert/strict";
import postgres from "postgres";
import { fhirProblems } from "@pms/testing/fhir";
import { eventually, expectJson, loginEveryRole, newPatient, startHarness } from "./_system.ts";

const SERVICES = ["auth", "patient", "billing", "audit", "scheduling", "clinical", "gateway"];
const WEEK = ["MON", "TUE", "WED", "THU", "FRI", "SAT", "SUN"];
const BULK = 10_000;

Deno.test("bulk export: async kick-off, status, NDJSON files, exclusions, group, cancel", async (t) => {
  const h = await startHarness({ services: SERVICES });
  const patientDb = postgres(h.system.databaseUrls.patient!, { max: 1, onnotice: () => {} });
  try {
    const { tokens, ids } = await loginEveryRole(h);
    const json = expectJson;
    const call = (method: string, path: string, body?: unknown, token = tokens.ADMIN) =>
      h.call(path, { method, token, body });
    const create = async () =>
      (await json(await call("POST", "/api/patients", newPatient()), 201)).id as string;
    const [kept, denied, restricted, deleted, outside, merged, survivor] = [
      await create(),
      await create(),
      await create(),
      await create(),
      await create(),
      await create(),
      await create(),
    ];
    await json(
      await call("POST", `/api/patients/${survivor}/merge`, { sourceId: merged, reason: "dup" }),
      200,
    );
    await json(
      await call("PUT", `/api/patients/${denied}/consents/DATA_SHARING`, { status: "DENIED" }),
      200,
    );
    await json(
      await call("PUT", `/api/patients/${restricted}/restriction`, {
        allowedUserIds: [ids.CLINICIAN],
        reason: "VIP",
      }),
      200,
    );
    await json(await call("DELETE", `/api/patients/${deleted}`), 204);
    const group = await json(
      await call("POST", "/api/groups", { name: "Export family", kind: "FAMILY" }),
      201,
    );
    for (const member of [kept, denied]) {
      await json(
        await call("POST", `/api/groups/${group.id}/members`, {
          patientId: member,
          relationship: "OTHER",
        }),
        201,
      );
    }
    const schedule = await json(
      await call("POST", "/api/schedules", {
        name: "Dr Export",
        kind: "PRACTITIONER",
        practitionerId: ids.CLINICIAN,
        timeZone: "UTC",
        slotMinutes: 30,
        availability: WEEK.map((weekday) => ({ weekday, start: "00:00", end: "24:00" })),
      }),
      201,
    );
    const start = new Date(Math.ceil(Date.now() / 1_800_000) * 1_800_000 + 7_200_000);
    for (const [patientId, n] of [[kept, 0], [denied, 1]] as const) {
      await json(
        await call("POST", "/api/appointments", {
          patientId,
          scheduleId: schedule.id,
          start: new Date(start.getTime() + n * 1_800_000).toISOString(),
          end: new Date(start.getTime() + (n + 1) * 1_800_000).toISOString(),
        }, tokens.FRONT_DESK),
        201,
      );
      const encounter = await json(
        await call("POST", "/api/encounters", { patientId, class: "AMBULATORY" }, tokens.CLINICIAN),
        201,
      );
      await json(
        await call("POST", `/api/encounters/${encounter.id}/observations`, {
          code: "8867-4",
          value: 70,
          unit: "/min",
        }, tokens.CLINICIAN),
        201,
      );
    }
    // The bulk: 10,000 patients written straight into the database.
    await patientDb`
      insert into patients (id, name, email, address, date_of_birth, registered_date)
      select gen_random_uuid(), 'Bulk Patient ' || i, 'bulk.' || i || '@example.com',
        i || ' Bulk Street', date '1950-01-01' + (i % 20000), date '2024-01-01'
      from generate_series(1, ${BULK}) as i`;

    const kickOff = (path: string, prefer = true, token = tokens.ADMIN) =>
      h.call(path, { token, headers: prefer ? { Prefer: "respond-async" } : {} });
    const finished = async (location: string) => {
      const status = location.slice(location.indexOf("/fhir/R4/"));
      let progressSeen = false;
      const manifest = await eventually("the export", async () => {
        const res = await h.call(status, { token: tokens.ADMIN });
        if (res.status === 202) {
          progressSeen ||= Boolean(res.headers.get("x-progress"));
          await res.body?.cancel();
          return undefined;
        }
        return await json(res, 200, "status");
      }, 120_000);
      return { status, manifest, progressSeen };
    };
    const lines = async (url: string) => {
      const res = await h.call(url.slice(url.indexOf("/fhir/R4/")), { token: tokens.ADMIN });
      assert.equal(res.status, 200);
      assert.match(res.headers.get("content-type") ?? "", /application\/fhir\+ndjson/);
      return (await res.text()).split("\n").filter(Boolean).map((l) => JSON.parse(l));
    };

    await t.step("kick-off rules: Prefer, _type, _since, roles, unknown group", async () => {
      await json(await kickOff("/fhir/R4/$export", false), 400);
      await json(await kickOff("/fhir/R4/$export?_type=Medication"), 400);
      await json(await kickOff("/fhir/R4/$export?_since=yesterday"), 400);
      for (const role of ["CLINICIAN", "FRONT_DESK", "AUDITOR"] as const) {
        const outcome = await json(await kickOff("/fhir/R4/$export", true, tokens[role]), 403);
        assert.equal(outcome.issue[0].code, "forbidden");
      }
      await json(await kickOff(`/fhir/R4/Group/${crypto.randomUUID()}/$export`), 404);
      await json(
        await h.call(`/fhir/R4/$export-status/${crypto.randomUUID()}`, { token: tokens.ADMIN }),
        404,
      );
    });

    await t.step("a group's export: its members, less the excluded, every line clean", async () => {
      const res = await kickOff(`/fhir/R4/Group/${group.id}/$export`);
      assert.equal(res.status, 202);
      await res.body?.cancel();
      const { manifest } = await finished(res.headers.get("content-location")!);
      assert.equal(manifest.requiresAccessToken, true);
      assert.match(manifest.transactionTime, /Z$/);
      assert.deepEqual(manifest.error, []);
      const byType = Object.fromEntries(manifest.output.map((o: any) => [o.type, o]));
      assert.deepEqual(Object.keys(byType).sort(), [
        "Appointment",
        "Encounter",
        "Observation",
        "Patient",
      ]);
      for (const output of manifest.output) {
        const resources = await lines(output.url);
        assert.equal(resources.length, output.count, output.type);
        for (const resource of resources) {
          assert.deepEqual(fhirProblems(resource), [], JSON.stringify(resource));
          assert.equal(resource.resourceType, output.type);
        }
        const patients = resources.map((r: any) =>
          r.resourceType === "Patient" ? r.id : (r.subject?.reference ??
            r.participant?.find((p: any) => p.actor?.reference?.startsWith("Patient/"))?.actor
              .reference).replace("Patient/", "")
        );
        assert.deepEqual([...new Set(patients)], [kept], output.type);
      }
      const records = await eventually("the disclosure", async () => {
        const res = await h.call(`/api/audit?patientId=${kept}&action=patient.export`, {
          token: tokens.AUDITOR,
        });
        const list = await res.json();
        return list.length > 0 ? list : undefined;
      });
      assert.equal(records[0].outcome, "SUCCESS");
    });

    await t.step(
      "everything: 10,000 patients and more, part by part, the excluded left out",
      async () => {
        const res = await kickOff("/fhir/R4/$export?_type=Patient,Encounter");
        assert.equal(res.status, 202);
        await res.body?.cancel();
        const { status, manifest } = await finished(res.headers.get("content-location")!);
        const patients = manifest.output.find((o: any) => o.type === "Patient");
        assert.ok(patients.count >= BULK + 2, `${patients.count} patients`);
        const exported = await lines(patients.url);
        assert.equal(exported.length, patients.count);
        const idsOut = new Set(exported.map((p: any) => p.id));
        for (const id of [kept, outside, survivor]) assert.ok(idsOut.has(id));
        for (const id of [denied, restricted, deleted, merged]) assert.ok(!idsOut.has(id));
        const problems = exported.flatMap((p: any) => fhirProblems(p));
        assert.deepEqual(problems.slice(0, 5), []);
        const [row] = await patientDb<{ parts: number }[]>`
        select count(*)::int as parts from export_parts
        where job_id = ${status.split("/").pop()!} and type = 'Patient'`;
        assert.ok(row!.parts >= Math.ceil(patients.count / 1000), `${row!.parts} parts`);
        // Cancellation: the job and its files are gone.
        assert.equal((await h.call(status, { method: "DELETE", token: tokens.ADMIN })).status, 202);
        await json(await h.call(status, { token: tokens.ADMIN }), 404);
        const file = await h.call(patients.url.slice(patients.url.indexOf("/fhir/R4/")), {
          token: tokens.ADMIN,
        });
        assert.equal(file.status, 404);
        await file.body?.cancel();
        await json(await h.call(status, { method: "DELETE", token: tokens.ADMIN }), 404);
      },
    );
  } finally {
    await patientDb.end();
    await h.system.stop();
  }
});
