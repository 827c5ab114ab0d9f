import assert from "node:assert/strict";
import type { DueMessage } from "../store/notification_store.ts";
import { composeMail } from "./compose_mail.ts";

const base: DueMessage = {
  id: crypto.randomUUID(),
  type: "WELCOME",
  recipient: "zoe@example.com",
  recipientName: "Zoë",
  attempts: 0,
  invoice: null,
  appointment: null,
};

Deno.test("composeMail() writes each notification type's mail", () => {
  const welcome = composeMail("clinic@example.com", base);
  assert.equal(welcome.to, "zoe@example.com");
  assert.match(welcome.subject, /Welcome/);
  const invoice = composeMail("clinic@example.com", {
    ...base,
    type: "INVOICE",
    invoice: { number: "INV-1", total: 100, due: 100, currency: "USD" },
  });
  assert.equal(invoice.subject, "Invoice INV-1");
  assert.match(invoice.text, /Amount due: USD 1\.00/);
  assert.throws(() => composeMail("c@example.com", { ...base, type: "INVOICE" }), /invoice/);
  assert.throws(() => composeMail("c@example.com", { ...base, type: "SMS" }), /SMS/);
});
