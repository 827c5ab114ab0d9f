// deno-lint-ignore-file no-explicit-any
/**
 * Patient merge through the gateway on real processes, a real PostgreSQL and a real Kafka: the
 * calls' answers and refusals; a merge that moves the source's appointment, encounter and
 * observation, and its charges, invoice and payment (billing stopped during the merge, then
 * restarted), on a ledger that sums to zero; the merge event delivered twice changing nothing; an
 * unmerge that brings everything back.
 */
import assert from "node:assert/strict";
import { Kafka, logLevel } from "kafkajs";
import postgres from "postgres";
import { decodePatientEvent } from "@pms/events";
import { DEMO_USERS, type DemoRole, eventually, newPatient, startHarness } from "./_system.ts";

const SERVICES = ["auth", "patient", "billing", "audit", "scheduling", "clinical", "gateway"];
const WEEK = ["MON", "TUE", "WED", "THU", "FRI", "SAT", "SUN"];
const USD = (amount: number) => ({ amount, currency: "USD" });
const today = () => new Date().toISOString().slice(0, 10);
const parisDate = (days: number) =>
  Temporal.Now.plainDateISO("Europe/Paris").add({ days }).toString();
const paris = (date: string, time: string) =>
  new Date(
    Temporal.PlainDateTime.from(`${date}T${time}`).toZonedDateTime("Europe/Paris")
      .epochMilliseconds,
  ).toISOString();

Deno.test("merge: records follow the target through every service, and come back", async (t) => {
  const h = await startHarness({ services: SERVICES });
  const billingDb = postgres(h.system.databaseUrls.billing!, { max: 1, onnotice: () => {} });
  try {
    const tokens = {} as Record<DemoRole, string>;
    for (const role of Object.keys(DEMO_USERS) as DemoRole[]) {
      const [email, password] = DEMO_USERS[role];
      const res = await h.call("/auth/login", { method: "POST", body: { email, password } });
      tokens[role] = (await res.json()).token;
    }
    const admin = tokens.ADMIN;
    const clinicianId = (await (await h.call("/auth/me", { token: tokens.CLINICIAN })).json())
      .id as string;
    const post = (path: string, body?: unknown, token = admin, headers: HeadersInit = {}) =>
      h.call(path, { method: "POST", token, body, headers });
    const get = (path: string, token = admin) => h.call(path, { token });
    const json = async (res: Response, status: number, label = "") => {
      const text = await res.text();
      assert.equal(res.status, status, `${label} ${text}`);
      return text ? JSON.parse(text) : undefined;
    };
    const billing = (path: string) => get(`/api/billing${path}`, tokens.BILLING);
    const account = async (patientId: string) =>
      await json(await billing(`/accounts/${patientId}`), 200);
    const newId = async () => {
      const id = (await json(await post("/api/patients", newPatient()), 201)).id as string;
      await eventually("billing account", async () => {
        const r = await billing(`/accounts/${id}`);
        return r.status === 200 ? true : (await r.body?.cancel(), undefined);
      });
      return id;
    };
    /** The ledger: every transaction balanced, every balance its receivable entries. */
    const ledgerHolds = async () => {
      const [sum] = await billingDb`select coalesce(sum(amount), 0)::int8 as total
                                    from ledger_entries`;
      assert.equal(Number(sum!.total), 0);
      const off = await billingDb`select * from ledger_balance_check where balance <> entries`;
      assert.deepEqual([...off], []);
    };

    const target = await newId();
    const source = await newId();

    // The source's records in every service.
    const schedule = await json(
      await post("/api/schedules", {
        name: "Dr Merge",
        kind: "PRACTITIONER",
        practitionerId: clinicianId,
        timeZone: "Europe/Paris",
        slotMinutes: 30,
        availability: WEEK.map((weekday) => ({ weekday, start: "08:00", end: "12:00" })),
      }),
      201,
    );
    const day = parisDate(3);
    const appointment = await json(
      await post("/api/appointments", {
        patientId: source,
        scheduleId: schedule.id,
        start: paris(day, "09:00:00"),
        end: paris(day, "09:30:00"),
      }),
      201,
    );
    const encounter = await json(
      await post("/api/encounters", { patientId: source, class: "AMBULATORY" }, tokens.CLINICIAN),
      201,
    );
    const observation = await json(
      await post(
        `/api/encounters/${encounter.id}/observations`,
        { code: "8867-4", value: 72, unit: "/min" },
        tokens.CLINICIAN,
      ),
      201,
    );
    const note = await json(
      await post(`/api/encounters/${encounter.id}/notes`, {
        subjective: "Cough",
        objective: "Clear",
        assessment: "Cold",
        plan: "Rest",
      }, tokens.CLINICIAN),
      201,
    );
    await json(await post(`/api/notes/${note.id}/sign`, undefined, tokens.CLINICIAN), 200);
    /** The source's clinical records name `patientId` (the encounter, observation, signed note). */
    const clinicalOf = async (patientId: string) => {
      const e = await json(await get(`/api/encounters/${encounter.id}`, tokens.CLINICIAN), 200);
      const o = await json(
        await get(`/api/observations?patientId=${patientId}`, tokens.CLINICIAN),
        200,
      );
      const n = await json(await get(`/api/notes/${note.id}`, tokens.CLINICIAN), 200);
      return e.patientId === patientId && n.patientId === patientId &&
          o.some((x: any) => x.id === observation.id)
        ? true
        : undefined;
    };
    const bill = (path: string, body: unknown, key?: string) =>
      post(
        `/api/billing${path}`,
        body,
        tokens.BILLING,
        key ? { "Idempotency-Key": key } : {},
      );
    const charge = await json(
      await bill(`/accounts/${source}/charges`, {
        code: "99213",
        description: "Office visit",
        amount: USD(10000),
        serviceDate: today(),
      }),
      201,
    );
    const invoice = await json(
      await bill(`/accounts/${source}/invoices`, { chargeIds: [charge.id] }),
      201,
    );
    await json(await bill(`/invoices/${invoice.id}/issue`, {}), 200);
    await json(
      await bill(
        `/invoices/${invoice.id}/payments`,
        { amount: USD(4000), method: "CARD" },
        crypto.randomUUID(),
      ),
      201,
    );
    await bill(`/accounts/${target}/charges`, {
      code: "99212",
      description: "Short visit",
      amount: USD(500),
      serviceDate: today(),
    });
    assert.deepEqual((await account(source)).balance, USD(6000));

    await t.step("merge: 403, 400, 404, 412 and a preview that changes nothing", async () => {
      const merge = (body: unknown, token = admin, headers: HeadersInit = {}) =>
        post(`/api/patients/${target}/merge`, body, token, headers);
      await json(await merge({ sourceId: source, reason: "dup" }, tokens.FRONT_DESK), 403);
      await json(await merge({ sourceId: source, reason: "dup" }, tokens.CLINICIAN), 403);
      assert.deepEqual(
        await json(await merge({ sourceId: target, reason: "dup" }), 400),
        { sourceId: "Cannot merge a patient with itself" },
      );
      assert.ok("reason" in await json(await merge({ sourceId: source, reason: "" }), 400));
      assert.deepEqual(
        await json(await merge({ sourceId: crypto.randomUUID(), reason: "dup" }), 404),
        { message: "Patient not found" },
      );
      assert.deepEqual(
        await json(
          await merge({ sourceId: source, reason: "dup" }, admin, { "If-Match": 'W/"99"' }),
          412,
        ),
        { message: "Patient was changed by someone else" },
      );
      const preview = await json(
        await post(`/api/patients/${target}/merge?preview=true`, {
          sourceId: source,
          reason: "dup",
        }),
        200,
      );
      assert.equal(preview.sourceId, source);
      // A bare `?preview` is the flag too.
      const flagged = await json(
        await post(`/api/patients/${target}/merge?preview`, { sourceId: source, reason: "dup" }),
        200,
      );
      assert.equal(flagged.patient.version, preview.patient.version);
      await json(await get(`/api/patients/${source}`), 200);
      await json(await post(`/api/patients/${source}/unmerge`), 409);
    });

    await t.step("merge while billing is stopped; every service follows", async () => {
      await h.system.stopService("billing");
      const before = await json(await get(`/api/patients/${target}`), 200);
      const merged = await json(
        await post(
          `/api/patients/${target}/merge`,
          { sourceId: source, reason: "Same person" },
          admin,
          {
            "If-Match": `W/"${before.version}"`,
          },
        ),
        200,
      );
      assert.equal(merged.sourceId, source);
      assert.equal(merged.patient.id, target);
      assert.equal(merged.patient.version, before.version + 1);
      assert.deepEqual(merged.moved, { groups: 0 });
      assert.deepEqual(await json(await get(`/api/patients/${source}`), 410), {
        message: "Patient was merged",
        mergedInto: target,
      });
      assert.deepEqual(
        await json(
          await post(`/api/patients/${target}/merge`, { sourceId: source, reason: "x" }),
          409,
        ),
        { message: "Patient was merged" },
      );
      const fhir = await json(await get(`/fhir/R4/Patient/${source}`), 200);
      assert.equal(fhir.active, false);
      assert.deepEqual(fhir.link, [{
        other: { reference: `Patient/${target}` },
        type: "replaced-by",
      }]);

      await eventually("the appointment re-pointed", async () => {
        const a = await json(await get(`/api/appointments/${appointment.id}`), 200);
        return a.patientId === target ? true : undefined;
      });
      await eventually("the encounter, observation and note re-pointed", () => clinicalOf(target));

      await h.system.startService("billing");
      await eventually("billing moved the source's account", async () => {
        const a = await account(target);
        return a.balance.amount === 6000 ? a : undefined;
      });
      assert.deepEqual((await account(source)).balance, USD(0));
      const charges = await json(await billing(`/accounts/${target}/charges`), 200);
      assert.ok(charges.some((c: any) => c.id === charge.id));
      const statement = await json(await billing(`/accounts/${target}/statement`), 200);
      assert.ok(statement.entries.some((e: any) => e.type === "MERGE" && e.amount.amount === 6000));
      await ledgerHolds();
    });

    await t.step("the merge event delivered twice changes nothing", async () => {
      const kafka = new Kafka({ brokers: h.system.kafka!.brokers, logLevel: logLevel.NOTHING });
      const topic = h.system.kafka!.topic;
      const consumer = kafka.consumer({ groupId: `merge-test-${crypto.randomUUID()}` });
      await consumer.connect();
      await consumer.subscribe({ topic, fromBeginning: true });
      let timer: ReturnType<typeof setTimeout> | undefined;
      const found = await new Promise<{ key: Buffer | null; value: Buffer }>((resolve, reject) => {
        timer = setTimeout(() => reject(new Error("no PATIENT_MERGED on the topic")), 20_000);
        consumer.run({
          eachMessage: ({ message }) => {
            if (message.value) {
              const event = decodePatientEvent(message.value);
              if (event.eventType === "PATIENT_MERGED" && event.patientId === source) {
                resolve({ key: message.key, value: message.value });
              }
            }
            return Promise.resolve();
          },
        });
      }).finally(() => clearTimeout(timer));
      await consumer.disconnect();
      const producer = kafka.producer();
      await producer.connect();
      await producer.send({ topic, messages: [found, found] });
      await producer.disconnect();
      // Billing, scheduling and clinical read the copies within this wait (they follow at once).
      await new Promise((r) => setTimeout(r, 3000));
      assert.deepEqual((await account(target)).balance, USD(6000));
      assert.deepEqual((await account(source)).balance, USD(0));
      const [merges] = await billingDb`
        select count(*)::int as n from ledger_transactions where kind = 'MERGE'`;
      assert.equal(merges!.n, 2);
      await ledgerHolds();
    });

    await t.step("unmerge: both patients, and every record, as before", async () => {
      await json(await post(`/api/patients/${source}/unmerge`, undefined, tokens.FRONT_DESK), 403);
      await json(await post(`/api/patients/${crypto.randomUUID()}/unmerge`), 404);
      const undone = await json(await post(`/api/patients/${source}/unmerge`), 200);
      assert.equal(undone.targetId, target);
      assert.equal(undone.patient.id, source);
      await json(await get(`/api/patients/${source}`), 200);
      await json(await post(`/api/patients/${source}/unmerge`), 409);
      await eventually("the appointment back", async () => {
        const a = await json(await get(`/api/appointments/${appointment.id}`), 200);
        return a.patientId === source ? true : undefined;
      });
      await eventually("the encounter, observation and note back", () => clinicalOf(source));
      await eventually("billing moved back", async () => {
        const a = await account(source);
        return a.balance.amount === 6000 ? a : undefined;
      });
      assert.deepEqual((await account(target)).balance, USD(0));
      const charges = await json(await billing(`/accounts/${source}/charges`), 200);
      assert.ok(charges.some((c: any) => c.id === charge.id));
      const statement = await json(await billing(`/accounts/${source}/statement`), 200);
      assert.ok(statement.entries.some((e: any) => e.type === "MERGE_REVERSED"));
      await ledgerHolds();
    });

    await t.step("dismiss: the pair leaves both patients' duplicates", async () => {
      const twin = { ...newPatient(), name: "Jo Twin", dateOfBirth: "1970-05-05" };
      const a = (await json(await post("/api/patients", twin), 201)).id;
      const b =
        (await json(await post("/api/patients", { ...twin, email: `b.${twin.email}` }), 201))
          .id;
      const ids = async (id: string) =>
        (await json(await get(`/api/patients/${id}/duplicates`), 200)).map((d: any) =>
          d.patient.id
        );
      assert.ok((await ids(a)).includes(b));
      await json(
        await post(`/api/patients/${a}/duplicates/${b}/dismiss`, undefined, tokens.CLINICIAN),
        403,
      );
      assert.equal((await post(`/api/patients/${a}/duplicates/${b}/dismiss`)).status, 204);
      assert.ok(!(await ids(a)).includes(b));
      assert.ok(!(await ids(b)).includes(a));
      await json(await post(`/api/patients/${a}/duplicates/${crypto.randomUUID()}/dismiss`), 404);
      // The dismissal concerns both patients: its audit record names both.
      const record = await eventually("the dismissal's audit record", async () => {
        const records = await json(
          await get(`/api/audit?action=patient.duplicates.dismiss&patientId=${b}`, tokens.AUDITOR),
          200,
        );
        return records.find((r: any) => r.outcome === "SUCCESS");
      });
      assert.deepEqual([...record.patientIds].sort(), [a, b].sort());
    });
  } finally {
    await billingDb.end();
    await h.system.stop();
  }
});
