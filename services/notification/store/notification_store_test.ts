import assert from "node:assert/strict";
import type { BillingEvent, PatientEvent } from "@pms/events";
import { openTestDatabase } from "@pms/testing";
import { createNotificationStore } from "./notification_store.ts";

function patient(
  patientId: string,
  eventType: PatientEvent["eventType"],
  version: number,
  email: string,
  name = "Zoë Ω",
): PatientEvent {
  return {
    eventId: crypto.randomUUID(),
    eventType,
    patientId,
    name,
    email,
    occurredAt: new Date(),
    version,
  };
}

function billing(
  patientId: string,
  eventType: BillingEvent["eventType"],
  amount = 12_500,
): BillingEvent {
  return {
    eventId: crypto.randomUUID(),
    eventType,
    occurredAt: new Date(),
    patientId,
    invoiceId: crypto.randomUUID(),
    invoiceNumber: "INV-000042",
    amount,
    currency: "USD",
    paymentId: eventType === "INVOICE_ISSUED" ? "" : crypto.randomUUID(),
  };
}

Deno.test("createNotificationStore() records an INVOICE per issued invoice, once, to the patient's latest email", async () => {
  await using testDb = await openTestDatabase(
    "notification",
    new URL("../migrations", import.meta.url),
  );
  const { sql } = testDb.db;
  const store = createNotificationStore(sql);
  const known = crypto.randomUUID();
  const unknown = crypto.randomUUID();

  // v1 create, v3 update, then the older v2 late: the v3 email is the latest.
  assert.equal(
    await store.recordMany([
      patient(known, "PATIENT_CREATED", 1, "first@example.com"),
      patient(known, "PATIENT_UPDATED", 3, "third@example.com", "Zoë Third"),
    ], true),
    2,
  );
  assert.equal(
    await store.recordMany([patient(known, "PATIENT_UPDATED", 2, "second@example.com")], true),
    0,
  );

  const issued = billing(known, "INVOICE_ISSUED");
  assert.equal(await store.recordBilling(issued, true), true);
  assert.equal(await store.recordBilling(issued, true), false, "a redelivery changes nothing");
  // A batch with a repeat, one already applied, an invoice of a patient without a known email,
  // and a payment and a paid invoice (processed, no notification).
  const orphan = billing(unknown, "INVOICE_ISSUED");
  const payment = billing(known, "PAYMENT_RECEIVED");
  const paid = billing(known, "INVOICE_PAID");
  assert.equal(await store.recordBillingMany([orphan, orphan, issued, payment, paid], true), 3);
  assert.equal(await store.recordBillingMany([orphan, payment, paid], true), 0);
  assert.equal(await store.recordBillingMany([], true), 0);

  const mine = await store.listByPatient(known);
  assert.deepEqual(mine.map((n) => [n.type, n.status]), [
    ["WELCOME", "PENDING"],
    ["INVOICE", "PENDING"],
  ]);
  const theirs = await store.listByPatient(unknown);
  assert.deepEqual(theirs.map((n) => [n.type, n.status]), [["INVOICE", "SKIPPED"]]);
  const [row] = await sql<{ recipient: string | null }[]>`
    select recipient from notifications where event_id = ${orphan.eventId}`;
  assert.equal(row?.recipient, null);

  const due = await store.claimDue(10, 8, 60_000);
  const invoice = due.find((m) => m.type === "INVOICE");
  assert.deepEqual(invoice && { ...invoice, id: "" }, {
    id: "",
    type: "INVOICE",
    recipient: "third@example.com",
    recipientName: "Zoë Third",
    attempts: 0,
    invoice: { number: "INV-000042", total: 12_500, due: 12_500, currency: "USD" },
    appointment: null,
  });
  assert.equal(due.find((m) => m.type === "WELCOME")?.invoice, null);

  // A deleted patient keeps the contact; a restore with a new email replaces it; without SMTP an
  // invoice is SKIPPED even with an email known.
  await store.recordMany([patient(known, "PATIENT_DELETED", 4, "third@example.com")], true);
  const whileDeleted = billing(known, "INVOICE_ISSUED", 700);
  await store.recordBilling(whileDeleted, true);
  await store.recordMany([patient(known, "PATIENT_RESTORED", 5, "fifth@example.com")], true);
  const noSmtp = billing(known, "INVOICE_ISSUED", 900);
  await store.recordBilling(noSmtp, false);
  const recipients = await sql<{ event_id: string; recipient: string; status: string }[]>`
    select event_id, recipient, status from notifications
    where event_id in (${whileDeleted.eventId}, ${noSmtp.eventId})`;
  const byEvent = Object.fromEntries(recipients.map((r) => [r.event_id, [r.recipient, r.status]]));
  assert.deepEqual(byEvent[whileDeleted.eventId], ["third@example.com", "PENDING"]);
  assert.deepEqual(byEvent[noSmtp.eventId], ["fifth@example.com", "SKIPPED"]);
  const [contact] = await sql<{ email: string; version: string }[]>`
    select email, version::text from patient_contacts where patient_id = ${known}`;
  assert.deepEqual(contact, { email: "fifth@example.com", version: "5" });
});

Deno.test("createNotificationStore() mails no merged source, until it is unmerged", async () => {
  await using testDb = await openTestDatabase(
    "notification",
    new URL("../migrations", import.meta.url),
  );
  const { sql } = testDb.db;
  const store = createNotificationStore(sql);
  const source = crypto.randomUUID();
  await store.recordMany([patient(source, "PATIENT_CREATED", 1, "source@example.com")], true);
  const merged = { ...patient(source, "PATIENT_MERGED", 2, "source@example.com") };
  assert.equal(await store.recordMany([{ ...merged, mergedInto: crypto.randomUUID() }], true), 1);
  const first = billing(source, "INVOICE_ISSUED");
  await store.recordBilling(first, true);
  const [skipped] = await sql<{ status: string }[]>`
    select status from notifications where event_id = ${first.eventId}`;
  assert.equal(skipped?.status, "SKIPPED");

  await store.recordMany([patient(source, "PATIENT_UNMERGED", 3, "source@example.com")], true);
  const second = billing(source, "INVOICE_ISSUED");
  await store.recordBilling(second, true);
  const [sent] = await sql<{ status: string; recipient: string }[]>`
    select status, recipient from notifications where event_id = ${second.eventId}`;
  assert.deepEqual({ ...sent }, { status: "PENDING", recipient: "source@example.com" });
});

Deno.test("createNotificationStore() records a mail to a patient who denied EMAIL as SKIPPED for CONSENT, also when mail cannot be sent", async () => {
  await using testDb = await openTestDatabase(
    "notification",
    new URL("../migrations", import.meta.url),
  );
  const { sql } = testDb.db;
  const store = createNotificationStore(sql);
  const denied = crypto.randomUUID();
  const open = crypto.randomUUID();
  await store.recordMany([
    patient(denied, "PATIENT_CREATED", 1, "denied@example.com"),
    patient(open, "PATIENT_CREATED", 1, "open@example.com"),
  ], false);
  await store.recordMany([{
    ...patient(denied, "PATIENT_CONSENT_CHANGED", 2, "denied@example.com"),
    consent: { scope: "EMAIL", status: "DENIED", version: 1 },
  }], false);
  for (const canSend of [false, true]) {
    await store.recordBillingMany([billing(denied, "INVOICE_ISSUED")], canSend);
    await store.recordBillingMany([billing(open, "INVOICE_ISSUED")], canSend);
  }
  const invoices = async (id: string) =>
    (await store.listByPatient(id)).filter((n) => n.type === "INVOICE")
      .map((n) => [n.status, n.reason ?? null]);
  assert.deepEqual(await invoices(denied), [["SKIPPED", "CONSENT"], ["SKIPPED", "CONSENT"]]);
  // Without a mail server a mail is SKIPPED for that reason alone, not for consent.
  assert.deepEqual(await invoices(open), [["SKIPPED", null], ["PENDING", null]]);
});
