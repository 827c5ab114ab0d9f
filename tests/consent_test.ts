// deno-lint-ignore-file no-explicit-any
/**
 * Consent through the gateway on real processes, PostgreSQL, Kafka and an SMTP server: one consent
 * per scope, versions counted per scope, roles, 400/404, the `PATIENT_CONSENT_CHANGED` event, the
 * audit records, and a mail about a patient who denied EMAIL recorded SKIPPED (reason CONSENT) and
 * never sent, until the consent is granted again.
 */
import assert from "node:assert/strict";
import { Kafka, logLevel } from "kafkajs";
import { decodePatientEvent, type PatientEvent } from "@pms/events";
import { startSmtpSink } from "@pms/testing";
import { DEMO_USERS, type DemoRole, eventually, newPatient, startHarness } from "./_system.ts";

const SERVICES = ["auth", "patient", "audit", "scheduling", "notification", "gateway"];

Deno.test("consent: scopes, versions, roles, events, audit, and mails skipped for consent", async (t) => {
  const sink = await startSmtpSink();
  const h = await startHarness({ services: SERVICES, smtpUrl: sink.url });
  try {
    const tokens = {} as Record<DemoRole, string>;
    for (const role of Object.keys(DEMO_USERS) as DemoRole[]) {
      const [email, password] = DEMO_USERS[role];
      const res = await h.call("/auth/login", { method: "POST", body: { email, password } });
      tokens[role] = (await res.json()).token;
    }
    const admin = tokens.ADMIN;
    const adminId = (await (await h.call("/auth/me", { token: admin })).json()).id;
    const json = async (res: Response, status: number, label = "") => {
      const text = await res.text();
      assert.equal(res.status, status, `${label} ${text}`);
      return text ? JSON.parse(text) : undefined;
    };
    const put = (id: string, scope: string, body: unknown, token = admin) =>
      h.call(`/api/patients/${id}/consents/${scope}`, { method: "PUT", token, body });
    const patient = newPatient();
    const { id } = await json(
      await h.call("/api/patients", { method: "POST", token: admin, body: patient }),
      201,
    );

    await t.step("one consent per scope, versions per scope, who and when", async () => {
      const unknown = await json(
        await h.call(`/api/patients/${id}/consents`, { token: tokens.BILLING }),
        200,
      );
      assert.deepEqual(unknown.map((c: any) => [c.scope, c.status, c.version]), [
        ["EMAIL", "UNKNOWN", 0],
        ["DATA_SHARING", "UNKNOWN", 0],
        ["RESEARCH", "UNKNOWN", 0],
      ]);
      const deniedRes = await put(id, "EMAIL", { status: "DENIED" });
      assert.equal(deniedRes.headers.get("etag"), 'W/"1"', "a consent answers with its version");
      const denied = await json(deniedRes, 200);
      assert.equal(denied.scope, "EMAIL");
      assert.equal(denied.status, "DENIED");
      assert.equal(denied.version, 1);
      assert.equal(denied.recordedBy, adminId);
      assert.match(denied.recordedAt, /Z$/);
      assert.equal(denied.createdAt, denied.recordedAt);
      assert.equal(denied.updatedAt, denied.recordedAt);
      const granted = await json(await put(id, "EMAIL", { status: "GRANTED" }), 200);
      assert.equal(granted.version, 2);
      assert.equal(granted.createdAt, denied.createdAt, "createdAt: when the scope was first set");
      assert.equal(granted.updatedAt, granted.recordedAt);
      assert.equal(
        (await json(await put(id, "DATA_SHARING", { status: "DENIED" }, tokens.FRONT_DESK), 200))
          .version,
        1,
      );
      const now = await json(await h.call(`/api/patients/${id}/consents`, { token: admin }), 200);
      assert.deepEqual(now.map((c: any) => [c.scope, c.status, c.version]), [
        ["EMAIL", "GRANTED", 2],
        ["DATA_SHARING", "DENIED", 1],
        ["RESEARCH", "UNKNOWN", 0],
      ]);
      assert.deepEqual(now[0], granted, "the list shows each scope as its change answered it");
      assert.equal(now[2].createdAt, null);
    });

    await t.step("roles, 400 and 404", async () => {
      await json(await h.call(`/api/patients/${id}/consents`, { token: tokens.AUDITOR }), 403);
      await json(await put(id, "EMAIL", { status: "DENIED" }, tokens.BILLING), 403);
      await json(await put(id, "EMAIL", { status: "DENIED" }, tokens.AUDITOR), 403);
      await json(await put(id, "SMS", { status: "DENIED" }), 400);
      assert.ok("status" in await json(await put(id, "EMAIL", { status: "MAYBE" }), 400));
      await json(await put(id, "EMAIL", {}), 400);
      assert.deepEqual(
        await json(await put(crypto.randomUUID(), "EMAIL", { status: "DENIED" }), 404),
        { message: "Patient not found" },
      );
      await json(
        await h.call(`/api/patients/${crypto.randomUUID()}/consents`, { token: admin }),
        404,
      );
    });

    await t.step("each change is a PATIENT_CONSENT_CHANGED event and an audit record", async () => {
      const kafka = new Kafka({ brokers: h.system.kafka!.brokers, logLevel: logLevel.NOTHING });
      const consumer = kafka.consumer({ groupId: `consent-test-${crypto.randomUUID()}` });
      await consumer.connect();
      try {
        await consumer.subscribe({ topic: h.system.kafka!.topic, fromBeginning: true });
        const events: PatientEvent[] = [];
        await consumer.run({
          eachMessage: ({ message }) => {
            events.push(decodePatientEvent(message.value));
            return Promise.resolve();
          },
        });
        const changes = await eventually("the consent events", () => {
          const mine = events.filter((e) =>
            e.patientId === id && e.eventType === "PATIENT_CONSENT_CHANGED"
          );
          return Promise.resolve(mine.length >= 3 ? mine : undefined);
        });
        assert.deepEqual(changes.map((e) => e.consent), [
          { scope: "EMAIL", status: "DENIED", version: 1 },
          { scope: "EMAIL", status: "GRANTED", version: 2 },
          { scope: "DATA_SHARING", status: "DENIED", version: 1 },
        ]);
        assert.ok(changes.every((e) => e.email === "" && e.version === 1));
      } finally {
        await consumer.disconnect();
      }
      const records = await eventually("consent audit records", async () => {
        const res = await h.call(
          `/api/audit?patientId=${id}&action=patient.consent.update&size=20`,
          { token: tokens.AUDITOR },
        );
        if (res.status !== 200) return void await res.body?.cancel();
        const found: any[] = await res.json();
        return found.filter((r) => r.outcome === "SUCCESS").length === 3 ? found : undefined;
      });
      assert.ok(records.length >= 3);
    });

    await t.step(
      "EMAIL denied: a later mail is SKIPPED for CONSENT, and sent again once granted",
      async () => {
        const mailsTo = () =>
          sink.received.filter((m) =>
            m.toLowerCase().includes(`to: ${patient.email.toLowerCase()}`)
          );
        await eventually(
          "the WELCOME mail",
          () => Promise.resolve(mailsTo().length >= 1 ? true : undefined),
        );
        await json(await put(id, "EMAIL", { status: "DENIED" }), 200);
        const room = await json(
          await h.call("/api/schedules", {
            method: "POST",
            token: admin,
            body: {
              name: "Consent room",
              kind: "ROOM",
              timeZone: "UTC",
              slotMinutes: 30,
              availability: ["MON", "TUE", "WED", "THU", "FRI", "SAT", "SUN"].map((weekday) => ({
                weekday,
                start: "00:00",
                end: "24:00",
              })),
            },
          }),
          201,
        );
        const book = (days: number) => {
          const start = Math.ceil((Date.now() + days * 86_400_000) / 1_800_000) * 1_800_000;
          return h.call("/api/appointments", {
            method: "POST",
            token: admin,
            body: {
              patientId: id,
              scheduleId: room.id,
              start: new Date(start).toISOString(),
              end: new Date(start + 1_800_000).toISOString(),
            },
          });
        };
        await json(await book(3), 201);
        const skipped = await eventually("the skipped confirmation", async () => {
          const list = await json(
            await h.call(`/api/notifications?patientId=${id}`, { token: admin }),
            200,
          );
          const confirmation = list.find((n: any) => n.type === "APPOINTMENT_CONFIRMATION");
          return confirmation?.status === "SKIPPED" ? confirmation : undefined;
        });
        assert.equal(skipped.reason, "CONSENT");
        assert.equal(mailsTo().length, 1, "only the WELCOME was mailed");

        await json(await put(id, "EMAIL", { status: "GRANTED" }), 200);
        // The consent reaches notification through the patient topic before the next booking's
        // event through the appointment topic: wait until it has been applied.
        await new Promise((r) => setTimeout(r, 1_500));
        await json(await book(5), 201);
        await eventually(
          "a confirmation mailed again",
          () => Promise.resolve(mailsTo().length >= 2 ? true : undefined),
        );
      },
    );
  } finally {
    await h.system.stop();
    await sink.close();
  }
});
