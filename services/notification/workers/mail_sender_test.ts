import assert from "node:assert/strict";
import nodemailer from "nodemailer";
import type { BillingEvent, PatientEvent } from "@pms/events";
import { openTestDatabase, silentLogger, startSmtpSink } from "@pms/testing";
import { createNotificationStore } from "../store/notification_store.ts";
import { createMailSender } from "./mail_sender.ts";

function created(): PatientEvent {
  return {
    eventId: crypto.randomUUID(),
    eventType: "PATIENT_CREATED",
    patientId: crypto.randomUUID(),
    name: "Zoë Ω",
    email: "zoe@example.com",
    occurredAt: new Date(),
    version: 0,
  };
}

Deno.test("createMailSender() sends over SMTP, retries failures, and records the outcome", async () => {
  await using testDb = await openTestDatabase(
    "notification",
    new URL("../migrations", import.meta.url),
  );
  const { db } = testDb;
  const sink = await startSmtpSink();
  const transport = nodemailer.createTransport({
    host: "127.0.0.1",
    port: sink.port,
    secure: false,
    ignoreTLS: true,
    connectionTimeout: 2_000,
  });
  try {
    const store = createNotificationStore(db.sql);
    const event = created();
    assert.equal(await store.record(event, true), true);
    assert.equal(await store.record(event, true), false, "a redelivery changes nothing");
    const sender = createMailSender({
      store,
      transport,
      from: "clinic@example.com",
      logger: silentLogger(),
      maxAttempts: 3,
      retryBaseMs: 1,
      pollMs: 10,
    });
    assert.equal(await sender.runOnce(), 1);
    assert.equal(sink.received.length, 1);
    assert.match(sink.received[0]!, /To: zoe@example.com/);
    const [sent] = await store.listByPatient(event.patientId);
    assert.equal(sent?.status, "SENT");
    assert.equal(sent?.type, "WELCOME");
    assert.equal(await sender.runOnce(), 0, "nothing left to send");

    // SMTP down: FAILED, retried after the backoff, SENT when the server is back.
    const port = sink.port;
    await sink.close();
    const second = created();
    await store.record(second, true);
    await sender.runOnce();
    assert.equal((await store.listByPatient(second.patientId))[0]?.status, "FAILED");
    const again = await startSmtpSink(port);
    try {
      await new Promise((r) => setTimeout(r, 20));
      await sender.runOnce();
      assert.equal((await store.listByPatient(second.patientId))[0]?.status, "SENT");
      assert.equal(again.received.length, 1);
    } finally {
      await again.close();
    }

    // An INVOICE to the patient's latest email: its number, total and amount due.
    const issued: BillingEvent = {
      eventId: crypto.randomUUID(),
      eventType: "INVOICE_ISSUED",
      occurredAt: new Date(),
      patientId: event.patientId,
      invoiceId: crypto.randomUUID(),
      invoiceNumber: "INV-000042",
      amount: 12_500,
      currency: "USD",
      paymentId: "",
    };
    assert.equal(await store.recordBilling(issued, true), true);
    await new Promise((r) => setTimeout(r, 20));
    const mailbox = await startSmtpSink(port);
    try {
      assert.equal(await sender.runOnce(), 1);
      assert.equal(mailbox.received.length, 1);
      const mail = mailbox.received[0]!;
      assert.match(mail, /To: zoe@example.com/);
      assert.match(mail, /Subject: Invoice INV-000042/);
      assert.match(mail, /Total: USD 125\.00/);
      assert.match(mail, /Amount due: USD 125\.00/);
      const notes = await store.listByPatient(event.patientId);
      assert.deepEqual(notes.map((n) => [n.type, n.status]), [
        ["WELCOME", "SENT"],
        ["INVOICE", "SENT"],
      ]);
    } finally {
      await mailbox.close();
    }

    // Without SMTP the message is recorded as SKIPPED and never sent.
    const third = created();
    await store.record(third, false);
    assert.equal((await store.listByPatient(third.patientId))[0]?.status, "SKIPPED");
    assert.equal(await sender.runOnce(), 0);
  } finally {
    transport.close();
  }
});
