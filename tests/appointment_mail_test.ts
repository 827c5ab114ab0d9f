// deno-lint-ignore-file no-explicit-any
/**
 * What follows a booking, on real processes, PostgreSQL, Kafka and a real SMTP server: the
 * confirmation, the reminder (booked within `REMINDER_LEAD_MINUTES`: at once), the cancellation
 * mail, no second reminder after a restart of the notification service, and analytics' booking,
 * cancellation, no-show and finished-encounter counts, each event once even when delivered twice.
 */
import assert from "node:assert/strict";
import { Kafka, logLevel } from "kafkajs";
import {
  type AppointmentEvent,
  encodeAppointmentEvent,
  encodeEncounterEvent,
  type EncounterEvent,
} from "@pms/events";
import { startSmtpSink } from "@pms/testing";
import { eventually, newPatient, startHarness } from "./_system.ts";

const SERVICES = ["auth", "patient", "scheduling", "notification", "analytics", "gateway"];

Deno.test("appointment mails, reminders once across a restart, and analytics counts", async (t) => {
  const sink = await startSmtpSink();
  const h = await startHarness({ services: SERVICES, smtpUrl: sink.url });
  try {
    const admin = await h.login();
    const json = async (res: Response, status: number) => {
      const text = await res.text();
      assert.equal(res.status, status, text);
      return text ? JSON.parse(text) : undefined;
    };
    const post = (path: string, body: unknown) =>
      h.call(path, { method: "POST", token: admin, body });
    const room = await json(
      await post("/api/schedules", {
        name: "Room A",
        kind: "ROOM",
        timeZone: "Europe/Paris",
        slotMinutes: 30,
        availability: ["MON", "TUE", "WED", "THU", "FRI", "SAT", "SUN"].map((weekday) => ({
          weekday,
          start: "00:00",
          end: "24:00",
        })),
      }),
      201,
    );
    const patient = newPatient();
    const { id: patientId } = await json(await post("/api/patients", patient), 201);
    const local = (days: number, time: string) =>
      new Date(
        Temporal.Now.plainDateISO("Europe/Paris").add({ days }).toPlainDateTime(time)
          .toZonedDateTime("Europe/Paris").epochMilliseconds,
      ).toISOString();
    const mailsTo = (email: string) =>
      sink.received.filter((m) => m.toLowerCase().includes(`to: ${email.toLowerCase()}`));
    const notifications = async (): Promise<string[]> =>
      (await json(
        await h.call(`/api/notifications?patientId=${patientId}`, { token: admin }),
        200,
      )).map((n: any) => `${n.type}:${n.status}`);

    let soonId = "";
    await t.step("a booking within the lead time: confirmation and reminder at once", async () => {
      // The patient's contact reaches notification through the patient topic first.
      await eventually(
        "the WELCOME mail",
        () => Promise.resolve(mailsTo(patient.email).length >= 1 ? true : undefined),
      );
      // The first half-hour slot at least ten minutes away: well within a day's lead.
      const step = 30 * 60_000;
      const startMs = Math.ceil((Date.now() + 10 * 60_000) / step) * step;
      const soon = await json(
        await post("/api/appointments", {
          patientId,
          scheduleId: room.id,
          start: new Date(startMs).toISOString(),
          end: new Date(startMs + step).toISOString(),
          reason: "Chest pain",
        }),
        201,
      );
      soonId = soon.id;
      const mails = await eventually("confirmation and reminder", () => {
        const mine = mailsTo(patient.email);
        return Promise.resolve(mine.length >= 3 ? mine : undefined);
      });
      const text = mails.join("\n");
      assert.match(text, /Subject: Your appointment is booked/);
      assert.match(text, /Subject: Reminder: your appointment/);
      const paris = Temporal.Instant.fromEpochMilliseconds(startMs).toZonedDateTimeISO(
        "Europe/Paris",
      );
      const hhmm = `${String(paris.hour).padStart(2, "0")}:${
        String(paris.minute).padStart(2, "0")
      }`;
      assert.match(text, new RegExp(`at ${hhmm} CES?T`), "the local time in the schedule's zone");
      assert.doesNotMatch(text, /Chest pain/, "never the reason");
      assert.deepEqual((await notifications()).sort(), [
        "APPOINTMENT_CONFIRMATION:SENT",
        "APPOINTMENT_REMINDER:SENT",
        "WELCOME:SENT",
      ]);
    });

    await t.step("a reminder not yet due survives a restart, and none is sent twice", async () => {
      const later = await json(
        await post("/api/appointments", {
          patientId,
          scheduleId: room.id,
          start: local(5, "10:00"),
          end: local(5, "10:30"),
        }),
        201,
      );
      assert.ok(later.id);
      await eventually("the second confirmation", async () => {
        const types = await notifications();
        return types.filter((type) => type === "APPOINTMENT_CONFIRMATION:SENT").length === 2
          ? true
          : undefined;
      });
      await h.system.stopService("notification");
      await h.system.startService("notification");
      await new Promise((r) => setTimeout(r, 2_000));
      const types = await notifications();
      assert.equal(types.filter((type) => type.startsWith("APPOINTMENT_REMINDER")).length, 1);
    });

    await t.step("a cancellation is mailed; its reminder is not", async () => {
      await json(
        await post(`/api/appointments/${soonId}/status`, { status: "CANCELLED" }),
        200,
      );
      await eventually(
        "the cancellation mail",
        async () =>
          (await notifications()).includes("APPOINTMENT_CANCELLED:SENT") ? true : undefined,
      );
      assert.match(mailsTo(patient.email).join("\n"), /Subject: Your appointment is cancelled/);
    });

    await t.step(
      "analytics counts bookings, cancellations, no-shows and finished encounters once",
      async () => {
        // A no-show and a finished encounter as their services would publish them, each twice.
        const kafka = new Kafka({ brokers: h.system.kafka!.brokers, logLevel: logLevel.NOTHING });
        const producer = kafka.producer();
        await producer.connect();
        try {
          const noShow: AppointmentEvent = {
            eventId: crypto.randomUUID(),
            eventType: "APPOINTMENT_STATUS_CHANGED",
            occurredAt: new Date(),
            appointmentId: crypto.randomUUID(),
            patientId,
            scheduleId: room.id,
            start: new Date(Date.now() - 3_600_000),
            end: new Date(Date.now() - 1_800_000),
            status: "NOSHOW",
            version: 2,
            timeZone: "Europe/Paris",
          };
          const finished: EncounterEvent = {
            eventId: crypto.randomUUID(),
            eventType: "ENCOUNTER_FINISHED",
            occurredAt: new Date(),
            encounterId: crypto.randomUUID(),
            patientId,
            appointmentId: "",
            version: 2,
          };
          for (let i = 0; i < 2; i++) {
            await producer.send({
              topic: h.system.kafka!.topics.appointment!,
              messages: [{ key: patientId, value: Buffer.from(encodeAppointmentEvent(noShow)) }],
            });
            await producer.send({
              topic: h.system.kafka!.topics.clinical!,
              messages: [{ key: patientId, value: Buffer.from(encodeEncounterEvent(finished)) }],
            });
          }
        } finally {
          await producer.disconnect();
        }
        const summary = await eventually("the counts", async () => {
          const s = await json(await h.call("/api/analytics/summary", { token: admin }), 200);
          return s.appointmentsBooked === 2 && s.appointmentsCancelled === 1 && s.noShows === 1 &&
              s.encountersFinished === 1
            ? s
            : undefined;
        });
        await new Promise((r) => setTimeout(r, 1_000));
        const again = await json(await h.call("/api/analytics/summary", { token: admin }), 200);
        assert.equal(again.noShows, summary.noShows, "the redelivered no-show counted once");
        assert.equal(again.encountersFinished, 1);
      },
    );
  } finally {
    await h.system.stop();
    await sink.close();
  }
});
