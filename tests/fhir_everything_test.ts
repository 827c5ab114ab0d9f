// deno-lint-ignore-file no-explicit-any
/**
 * `Patient/{id}/$everything` through the gateway on real processes: the Patient with its
 * Appointments (scheduling) and its Encounters and Observations (clinical), paged with `next`,
 * `_type` and `_since` honoured, validator-clean, the role matrix, 404 and 410, the restricted
 * record refused, and the disclosure in the audit trail.
 */
import assert from "node:assert/strict";
import { fhirProblems } from "@pms/testing/fhir";
import { eventually, expectJson, loginEveryRole, newPatient, startHarness } from "./_system.ts";

const SERVICES = ["auth", "patient", "billing", "audit", "scheduling", "clinical", "gateway"];
const WEEK = ["MON", "TUE", "WED", "THU", "FRI", "SAT", "SUN"];

Deno.test("$everything: a patient's resources across the services, paged, filtered, audited", async (t) => {
  const h = await startHarness({ services: SERVICES });
  try {
    const { tokens, ids } = await loginEveryRole(h);
    const json = expectJson;
    const post = (path: string, body: unknown, token = tokens.CLINICIAN) =>
      h.call(path, { method: "POST", token, body });
    const everything = (id: string, query = "", token = tokens.CLINICIAN) =>
      h.call(`/fhir/R4/Patient/${id}/$everything${query}`, { token });
    const id = (await json(await post("/api/patients", newPatient(), tokens.ADMIN), 201)).id;
    const schedule = await json(
      await post("/api/schedules", {
        name: "Dr Everything",
        kind: "PRACTITIONER",
        practitionerId: ids.CLINICIAN,
        timeZone: "UTC",
        slotMinutes: 30,
        availability: WEEK.map((weekday) => ({ weekday, start: "00:00", end: "24:00" })),
      }, tokens.ADMIN),
      201,
    );
    const start = new Date(Math.ceil(Date.now() / 1_800_000) * 1_800_000 + 7_200_000);
    await json(
      await post("/api/appointments", {
        patientId: id,
        scheduleId: schedule.id,
        start: start.toISOString(),
        end: new Date(start.getTime() + 1_800_000).toISOString(),
      }, tokens.FRONT_DESK),
      201,
    );
    const encounter = await json(
      await post("/api/encounters", { patientId: id, class: "AMBULATORY" }),
      201,
    );
    for (const [code, value, unit] of [["8867-4", 72, "/min"], ["8310-5", 37.2, "Cel"]]) {
      await json(
        await post(`/api/encounters/${encounter.id}/observations`, { code, value, unit }),
        201,
      );
    }

    await t.step("everything: the Patient first, then its resources, validator-clean", async () => {
      const bundle = await json(await everything(id), 200);
      assert.equal(bundle.resourceType, "Bundle");
      assert.equal(bundle.type, "searchset");
      assert.equal(bundle.total, 5);
      const types = bundle.entry.map((e: any) => e.resource.resourceType);
      assert.equal(types[0], "Patient");
      assert.deepEqual(types.slice(1).sort(), [
        "Appointment",
        "Encounter",
        "Observation",
        "Observation",
      ]);
      assert.deepEqual(fhirProblems(bundle), [], JSON.stringify(bundle));
      for (const entry of bundle.entry) {
        assert.match(
          entry.fullUrl,
          new RegExp(`/${entry.resource.resourceType}/${entry.resource.id}$`),
        );
      }
    });

    await t.step(
      "_count pages with next; _type and _since filter; the Patient always",
      async () => {
        const first = await json(await everything(id, "?_count=2"), 200);
        assert.equal(first.entry.length, 2);
        const next = first.link.find((l: any) => l.relation === "next").url as string;
        const rest = next.slice(next.indexOf("/fhir/R4/"));
        const second = await json(await h.call(rest, { token: tokens.CLINICIAN }), 200);
        assert.equal(second.entry.length, 2);
        const seen = [...first.entry, ...second.entry].map((e: any) => e.resource.id);
        assert.equal(new Set(seen).size, 4);
        const encounters = await json(await everything(id, "?_type=Encounter"), 200);
        assert.deepEqual(encounters.entry.map((e: any) => e.resource.resourceType), [
          "Patient",
          "Encounter",
        ]);
        const later = new Date(Date.now() + 3_600_000).toISOString();
        const none = await json(await everything(id, `?_since=${encodeURIComponent(later)}`), 200);
        assert.deepEqual(none.entry.map((e: any) => e.resource.resourceType), ["Patient"]);
      },
    );

    await t.step("400, 403, 404, 410", async () => {
      await json(await everything(id, "?_type=Medication"), 400);
      await json(await everything(id, "?_count=0"), 400);
      await json(await everything(id, "?_since=yesterday"), 400);
      await json(await everything(id, "?color=red"), 400);
      for (const role of ["FRONT_DESK", "BILLING", "AUDITOR"] as const) {
        const outcome = await json(await everything(id, "", tokens[role]), 403, role);
        assert.equal(outcome.issue[0].code, "forbidden");
      }
      await json(await everything(crypto.randomUUID()), 404);
      const gone = (await json(await post("/api/patients", newPatient(), tokens.ADMIN), 201)).id;
      await json(
        await h.call(`/api/patients/${gone}`, { method: "DELETE", token: tokens.ADMIN }),
        204,
      );
      await json(await everything(gone), 410);
      await json(await everything(gone, "", tokens.ADMIN), 410);
      // A merged source is gone too; its target answers.
      const [source, target] = [
        (await json(await post("/api/patients", newPatient(), tokens.ADMIN), 201)).id,
        (await json(await post("/api/patients", newPatient(), tokens.ADMIN), 201)).id,
      ];
      await json(
        await post(
          `/api/patients/${target}/merge`,
          { sourceId: source, reason: "dup" },
          tokens.ADMIN,
        ),
        200,
      );
      await json(await everything(source), 410);
      await json(await everything(target), 200);
      // `_since` is an instant on the calendar; an unencoded `+` of its offset is read as one.
      await json(await everything(id, "?_since=2026-02-30"), 400);
      const offset = await json(await everything(id, "?_since=2020-01-01T00:00:00+00:00"), 200);
      assert.equal(offset.total, 5);
    });

    await t.step("a restricted record is refused; the disclosure is recorded", async () => {
      const records = await eventually("the disclosure", async () => {
        const res = await h.call(`/api/audit?patientId=${id}&action=patient.everything`, {
          token: tokens.AUDITOR,
        });
        const list = await res.json();
        return list.some((r: any) => r.outcome === "SUCCESS") ? list : undefined;
      });
      assert.ok(records.every((r: any) => r.patientIds.includes(id)));
      await json(
        await h.call(`/api/patients/${id}/restriction`, {
          method: "PUT",
          token: tokens.ADMIN,
          body: { allowedUserIds: [ids.ADMIN], reason: "VIP" },
        }),
        200,
      );
      const outcome = await json(await everything(id), 403);
      assert.equal(outcome.issue[0].code, "forbidden");
      await json(await everything(id, "", tokens.ADMIN), 200);
    });
  } finally {
    await h.system.stop();
  }
});
