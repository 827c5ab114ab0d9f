import assert from "node:assert/strict";
import { invoiceMessage } from "./invoice_message.ts";

Deno.test("invoiceMessage() says the invoice's number, total and amount due, and no charge lines", () => {
  const mail = invoiceMessage("clinic@example.com", "zoe@example.com", "Zoë Ω", {
    number: "INV-000042",
    total: 12_500,
    due: 12_500,
    currency: "USD",
  });
  assert.equal(mail.from, "clinic@example.com");
  assert.equal(mail.to, "zoe@example.com");
  assert.match(mail.subject, /INV-000042/);
  assert.match(mail.text, /^Dear Zoë Ω,/);
  assert.match(mail.text, /INV-000042/);
  assert.match(mail.text, /^Total: USD 125\.00$/m);
  assert.match(mail.text, /^Amount due: USD 125\.00$/m);
  // Exactly these lines: the greeting, the invoice, its two amounts and the closing.
  assert.deepEqual(mail.text.split("\n").filter(Boolean), [
    "Dear Zoë Ω,",
    "your invoice INV-000042 has been issued.",
    "Total: USD 125.00",
    "Amount due: USD 125.00",
    "Kind regards,",
    "Patient Management",
  ]);
  assert.doesNotMatch(mail.text, /charge|line|code/i);

  const yen = invoiceMessage("c@example.com", "p@example.com", "P", {
    number: "INV-7",
    total: 5_000,
    due: 1_000,
    currency: "JPY",
  });
  assert.match(yen.text, /^Total: JPY 5000$/m);
  assert.match(yen.text, /^Amount due: JPY 1000$/m);
});
