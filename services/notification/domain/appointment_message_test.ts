import assert from "node:assert/strict";
import { appointmentMessage, localStart } from "./appointment_message.ts";

Deno.test("localStart() shows the start in the schedule's zone", () => {
  const start = new Date("2027-03-29T06:00:00Z");
  assert.match(localStart(start, "Europe/Paris"), /Monday, 29 March 2027 at 08:00 CEST/);
  assert.match(localStart(start, "America/New_York"), /02:00/);
});

Deno.test("appointmentMessage() says when, and nothing of the reason", () => {
  const mail = appointmentMessage(
    "APPOINTMENT_REMINDER",
    "clinic@x.org",
    "ada@x.org",
    "Ada",
    { start: new Date("2027-01-04T09:30:00Z"), timeZone: "Europe/Paris" },
  );
  assert.equal(mail.to, "ada@x.org");
  assert.equal(mail.subject, "Reminder: your appointment");
  assert.match(mail.text, /Monday, 4 January 2027 at 10:30 CET/);
});
