// The clinic's day: a schedule's day or week with free slots, booking, rescheduling and status;
// an encounter with vital signs, a SOAP note, signing and addenda; a patient's billing.
import { api, messageOf } from "./api.js";
import { field, h, put, select, showErrors, table, values, when } from "./dom.js";
import { can } from "./session.js";
import { notify, screen } from "./app.js";

const view = { scheduleId: "", date: new Date().toISOString().slice(0, 10), days: 1, moving: null };

const addDays = (date, n) => {
  const d = new Date(`${date}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + n);
  return d.toISOString().slice(0, 10);
};

/** How far `timeZone`'s wall clock is ahead of UTC at instant `t` (ms since the epoch), in ms. */
const offsetAt = (t, timeZone) => {
  const parts = new Intl.DateTimeFormat("en-US", {
    timeZone,
    hourCycle: "h23",
    year: "numeric",
    month: "2-digit",
    day: "2-digit",
    hour: "2-digit",
    minute: "2-digit",
    second: "2-digit",
  }).formatToParts(new Date(t));
  const part = (type) => Number(parts.find((p) => p.type === type)?.value ?? 0);
  const wall = Date.UTC(
    part("year"),
    part("month") - 1,
    part("day"),
    part("hour"),
    part("minute"),
    part("second"),
  );
  return wall - Math.floor(t / 1000) * 1000;
};

/** The instant (RFC 3339) the day `date` (`YYYY-MM-DD`) starts at in `timeZone`. */
const startOfDay = (date, timeZone) => {
  const midnight = Date.parse(`${date}T00:00:00Z`);
  // Once at the UTC midnight's offset, once more at the offset then (a change of offset between).
  const first = midnight - offsetAt(midnight, timeZone);
  return new Date(midnight - offsetAt(first, timeZone)).toISOString();
};

/** A schedule's day or week: free slots to book, the appointments with their status. */
export async function scheduleScreen() {
  const schedules = await api("GET", "/api/schedules?size=100&active=true");
  if (schedules.status !== 200) {
    screen("Schedule", h("p", { class: "error" }, messageOf(schedules)));
    return;
  }
  view.scheduleId ||= schedules.body[0]?.id ?? "";
  const board = h("div", { id: "board" });
  const controls = h(
    "form",
    { class: "card row" },
    select("Schedule", "scheduleId", schedules.body.map((s) => [s.id, s.name]), view.scheduleId),
    field("Date", { name: "date", type: "date", value: view.date }),
    select("View", "days", [["1", "Day"], ["7", "Week"]], String(view.days)),
    h("button", { type: "submit", class: "primary" }, "Show"),
  );
  controls.addEventListener("submit", (event) => {
    event.preventDefault();
    const v = values(controls);
    view.scheduleId = v.scheduleId ?? view.scheduleId;
    view.date = v.date ?? view.date;
    view.days = Number(v.days ?? 1);
    void draw();
  });
  async function draw() {
    if (!view.scheduleId) {
      put(board, h("p", {}, "No active schedule."));
      return;
    }
    const to = addDays(view.date, view.days - 1);
    // The days are the schedule's own (its time zone's), as its slots are.
    const zone = schedules.body.find((s) => s.id === view.scheduleId)?.timeZone ?? "UTC";
    const from = startOfDay(view.date, zone);
    const until = startOfDay(addDays(to, 1), zone);
    const [slots, booked] = await Promise.all([
      api("GET", `/api/schedules/${view.scheduleId}/slots?from=${view.date}&to=${to}`),
      api(
        "GET",
        `/api/appointments?scheduleId=${view.scheduleId}&from=${from}&to=${until}&size=100`,
      ),
    ]);
    if (slots.status !== 200 || booked.status !== 200) {
      put(board, h("p", { class: "error" }, messageOf(slots.ok ? booked : slots)));
      return;
    }
    const free = slots.body.filter((s) => s.status === "FREE");
    put(
      board,
      view.moving
        ? h(
          "p",
          { class: "info" },
          "Choose the new time for the appointment. ",
          h("button", {
            type: "button",
            onclick: () => {
              view.moving = null;
              void draw();
            },
          }, "Cancel the move"),
        )
        : null,
      h("h2", {}, "Free slots"),
      free.length === 0 ? h("p", {}, "No free slot.") : h(
        "ul",
        { class: "slots" },
        free.slice(0, 200).map((s) =>
          h(
            "li",
            {},
            h("button", {
              type: "button",
              onclick: () => (view.moving ? move(s) : book(s)),
            }, `${view.moving ? "Move to" : "Book"} ${when(s.start)}`),
          )
        ),
      ),
      h("h2", {}, "Appointments"),
      booked.body.length === 0 ? h("p", {}, "None.") : table(
        "Appointments by start",
        ["Start", "Patient", "Status", "Actions"],
        booked.body.map((a) => [
          when(a.start),
          a.restricted
            ? "Restricted record"
            : h("a", { href: `#/patients/${a.patientId}` }, "Open patient"),
          a.status ?? "",
          a.restricted ? "" : actions(a),
        ]),
      ),
    );
  }
  function actions(a) {
    const next = {
      BOOKED: ["ARRIVED", "CANCELLED", "NOSHOW"],
      ARRIVED: ["FULFILLED", "CANCELLED"],
    }[a.status] ?? [];
    return h(
      "span",
      { class: "actions" },
      a.status === "BOOKED"
        ? h("button", {
          type: "button",
          onclick: () => {
            view.moving = a;
            void draw();
          },
        }, "Reschedule")
        : null,
      next.map((status) =>
        h("button", {
          type: "button",
          onclick: async () => {
            const answer = await api("POST", `/api/appointments/${a.id}/status`, {
              body: { status },
              headers: { "if-match": `W/"${a.version}"` },
            });
            notify(answer.ok ? `Appointment ${status.toLowerCase()}.` : messageOf(answer));
            await draw();
          },
        }, `Mark ${status.toLowerCase()}`)
      ),
    );
  }
  async function move(slot) {
    const a = view.moving;
    const answer = await api("PATCH", `/api/appointments/${a.id}`, {
      body: { start: slot.start, end: slot.end },
      headers: { "if-match": `W/"${a.version}"` },
    });
    view.moving = null;
    notify(answer.ok ? `Moved to ${when(slot.start)}.` : messageOf(answer));
    await draw();
  }
  function book(slot) {
    const found = h("div");
    const search = h(
      "form",
      { class: "card row", role: "search" },
      field("Patient name or email", { name: "search", type: "search", required: true }),
      h("button", { type: "submit" }, "Find"),
    );
    search.addEventListener("submit", async (event) => {
      event.preventDefault();
      const term = values(search).search ?? "";
      const answer = await api("GET", `/api/patients?search=${encodeURIComponent(term)}&size=10`);
      if (answer.status !== 200) {
        put(found, h("p", { class: "error" }, messageOf(answer)));
        return;
      }
      put(
        found,
        answer.body.length === 0 ? h("p", {}, "No patient found.") : h(
          "ul",
          { class: "choices" },
          answer.body.filter((p) => !p.restricted).map((p) =>
            h(
              "li",
              {},
              h("button", {
                type: "button",
                onclick: async () => {
                  const booked = await api("POST", "/api/appointments", {
                    body: {
                      patientId: p.id,
                      scheduleId: view.scheduleId,
                      start: slot.start,
                      end: slot.end,
                    },
                    headers: { "idempotency-key": crypto.randomUUID() },
                  });
                  if (booked.status === 201) {
                    notify(`Booked ${p.name} at ${when(slot.start)}.`);
                    await scheduleScreen();
                  } else {
                    notify(messageOf(booked));
                  }
                },
              }, `Book ${p.name} (${p.dateOfBirth})`),
            )
          ),
        ),
      );
    });
    screen(`Book ${when(slot.start)}`, search, found);
  }
  screen("Schedule", controls, board);
  await draw();
}

const VITALS = [
  ["8867-4", "Heart rate", "/min"],
  ["9279-1", "Respiratory rate", "/min"],
  ["8480-6", "Systolic blood pressure", "mm[Hg]"],
  ["8462-4", "Diastolic blood pressure", "mm[Hg]"],
  ["8310-5", "Body temperature", "Cel"],
  ["29463-7", "Body weight", "kg"],
  ["8302-2", "Body height", "cm"],
  ["59408-5", "Oxygen saturation", "%"],
  ["39156-5", "Body mass index", "kg/m2"],
];

/** An encounter: vital signs, its SOAP notes with signing and addenda, finishing it. */
export async function encounterPage(id) {
  const encounter = await api("GET", `/api/encounters/${id}`);
  if (encounter.status !== 200) {
    screen("Encounter", h("p", { class: "error" }, messageOf(encounter)));
    return;
  }
  const e = encounter.body;
  const [observations, notes] = await Promise.all([
    api("GET", `/api/observations?size=100&patientId=${e.patientId}`),
    api("GET", `/api/notes?encounterId=${id}&size=50`),
  ]);
  const vitals = h(
    "form",
    { class: "card row", novalidate: true, "aria-label": "Record a vital sign" },
    select("Vital sign", "code", VITALS.map(([code, name, unit]) => [code, `${name} (${unit})`])),
    field("Value", { name: "value", type: "number", step: "any", required: true }),
    h("p", { class: "form-error", role: "alert" }),
    h("button", { type: "submit", class: "primary" }, "Record"),
  );
  vitals.addEventListener("submit", async (event) => {
    event.preventDefault();
    const v = values(vitals, true);
    const unit = VITALS.find(([code]) => code === v.code)?.[2];
    const answer = await api("POST", `/api/encounters/${id}/observations`, {
      body: { code: v.code, value: Number(v.value), unit },
    });
    if (answer.status === 201) {
      notify("Recorded.");
      await encounterPage(id);
    } else {
      showErrors(vitals, answer.status === 400 ? answer.body : { message: messageOf(answer) });
    }
  });
  const soap = h(
    "form",
    { class: "card", novalidate: true, "aria-label": "Write a note" },
    h("h2", {}, "New note (SOAP)"),
    ["subjective", "objective", "assessment", "plan"].map((name) =>
      field(name[0].toUpperCase() + name.slice(1), { name, rows: 2 }, "textarea")
    ),
    h("p", { class: "form-error", role: "alert" }),
    h("button", { type: "submit", class: "primary" }, "Save draft"),
  );
  soap.addEventListener("submit", async (event) => {
    event.preventDefault();
    const answer = await api("POST", `/api/encounters/${id}/notes`, { body: values(soap, true) });
    if (answer.status === 201) {
      notify("Draft saved.");
      await encounterPage(id);
    } else {
      showErrors(soap, answer.status === 400 ? answer.body : { message: messageOf(answer) });
    }
  });
  const obs = observations.status === 200
    ? observations.body.filter((o) => !o.encounterId || o.encounterId === id)
    : [];
  screen(
    `Encounter ${when(e.startedAt)}`,
    h(
      "p",
      {},
      `${e.class} · ${e.status} · `,
      h("a", { href: `#/patients/${e.patientId}` }, "Open patient"),
    ),
    e.status === "IN_PROGRESS"
      ? h("button", {
        type: "button",
        onclick: async () => {
          const answer = await api("POST", `/api/encounters/${id}/finish`, { body: {} });
          notify(answer.ok ? "Encounter finished." : messageOf(answer));
          await encounterPage(id);
        },
      }, "Finish the encounter")
      : null,
    h("h2", {}, "Vital signs"),
    obs.length === 0 ? h("p", {}, "None recorded.") : table(
      "Vital signs",
      ["When", "Sign", "Value"],
      obs.map((o) => [when(o.effectiveAt), o.display ?? o.code, `${o.value} ${o.unit}`]),
    ),
    e.status === "IN_PROGRESS" ? vitals : null,
    h("h2", {}, "Notes"),
    notes.status === 200 ? notes.body.map((n) => noteCard(n, id)) : null,
    e.status === "IN_PROGRESS" ? soap : null,
  );
}

function noteCard(n, encounterId) {
  const addendum = h(
    "form",
    { class: "row", novalidate: true, "aria-label": "Add an addendum" },
    field("Addendum", { name: "text", required: true }),
    h("p", { class: "form-error", role: "alert" }),
    h("button", { type: "submit" }, "Add"),
  );
  addendum.addEventListener("submit", async (event) => {
    event.preventDefault();
    const answer = await api("POST", `/api/notes/${n.id}/addenda`, {
      body: values(addendum, true),
    });
    if (answer.status === 201) await encounterPage(encounterId);
    else showErrors(addendum, answer.status === 400 ? answer.body : { message: messageOf(answer) });
  });
  return h(
    "article",
    { class: "card note" },
    h("h3", {}, `${n.status} note · ${when(n.createdAt)}`),
    h(
      "dl",
      {},
      ["subjective", "objective", "assessment", "plan"].map((k) => [
        h("dt", {}, k[0].toUpperCase() + k.slice(1)),
        h("dd", {}, n[k] ?? ""),
      ]),
    ),
    (n.addenda ?? []).map((a) => h("p", { class: "addendum" }, `Addendum: ${a.text}`)),
    n.status === "DRAFT"
      ? h("button", {
        type: "button",
        class: "primary",
        onclick: async () => {
          const answer = await api("POST", `/api/notes/${n.id}/sign`);
          notify(answer.ok ? "Note signed." : messageOf(answer));
          await encounterPage(encounterId);
        },
      }, "Sign the note")
      : addendum,
  );
}

const money = (m) =>
  m && typeof m === "object"
    ? new Intl.NumberFormat(undefined, { style: "currency", currency: m.currency }).format(
      m.amount / 100,
    )
    : String(m ?? "");

/** A patient's billing: charges, invoicing them, issuing and taking payments. */
export async function billingScreen(patientId) {
  if (!can("billing")) {
    screen("Billing", h("p", { class: "error" }, "You are not allowed to see billing."));
    return;
  }
  const [account, charges] = await Promise.all([
    api("GET", `/api/billing/accounts/${patientId}`),
    api("GET", `/api/billing/accounts/${patientId}/charges?size=100`),
  ]);
  if (account.status !== 200) {
    screen("Billing", h("p", { class: "error" }, messageOf(account)));
    return;
  }
  const unbilled = charges.status === 200 ? charges.body.filter((c) => !c.invoiceId) : [];
  const invoices = charges.status === 200 ? await invoicesOf(charges.body) : [];
  screen(
    "Billing",
    h(
      "p",
      {},
      `Balance ${money(account.body.balance)} · unbilled ${money(account.body.unbilled)} · `,
      h("a", { href: `#/patients/${patientId}` }, "Open patient"),
    ),
    h("h2", {}, "Unbilled charges"),
    unbilled.length === 0 ? h("p", {}, "None.") : [
      table(
        "Unbilled charges",
        ["Date", "Code", "Description", "Amount"],
        unbilled.map((c) => [
          c.serviceDate,
          c.code,
          c.description,
          money(c.amount),
        ]),
      ),
      h("button", {
        type: "button",
        class: "primary",
        onclick: async () => {
          const answer = await api("POST", `/api/billing/accounts/${patientId}/invoices`, {
            body: { chargeIds: unbilled.map((c) => c.id) },
          });
          notify(answer.status === 201 ? "Invoice drafted." : messageOf(answer));
          await billingScreen(patientId);
        },
      }, "Invoice these charges"),
    ],
    h("h2", {}, "Invoices"),
    invoices.length === 0
      ? h("p", {}, "None.")
      : invoices.map((inv) => invoiceCard(inv, patientId)),
  );
}

/** The invoices the charges were billed on, each read once. */
async function invoicesOf(charges) {
  const ids = [...new Set(charges.map((c) => c.invoiceId).filter(Boolean))];
  return (await Promise.all(ids.map((id) => api("GET", `/api/billing/invoices/${id}`))))
    .filter((a) => a.status === 200).map((a) => a.body);
}

/** A patient's invoices, for the patient's page (drafting and payments are on the account's). */
export async function patientInvoices(patientId) {
  const charges = await api("GET", `/api/billing/accounts/${patientId}/charges?size=100`);
  const invoices = charges.status === 200 ? await invoicesOf(charges.body) : [];
  return h(
    "section",
    {},
    h("h2", {}, "Invoices"),
    charges.status !== 200
      ? h("p", { class: "error" }, messageOf(charges))
      : invoices.length === 0
      ? h("p", {}, "None.")
      : table(
        "Invoices",
        ["Number", "Status", "Total", "Paid"],
        invoices.map((
          inv,
        ) => [inv.number ?? "Draft", inv.status, money(inv.total), money(inv.paid)]),
      ),
    h("a", { href: `#/billing/${patientId}` }, "Account and payments"),
  );
}

function invoiceCard(inv, patientId) {
  const pay = h(
    "form",
    { class: "row", novalidate: true, "aria-label": `Payment of ${inv.number ?? "the invoice"}` },
    field("Amount (cents)", { name: "amount", type: "number", required: true, min: 1 }),
    select("Method", "method", [["CARD", "Card"], ["CASH", "Cash"], [
      "BANK_TRANSFER",
      "Bank transfer",
    ]], "CARD"),
    h("p", { class: "form-error", role: "alert" }),
    h("button", { type: "submit", class: "primary" }, "Take payment"),
  );
  pay.addEventListener("submit", async (event) => {
    event.preventDefault();
    const v = values(pay, true);
    const answer = await api("POST", `/api/billing/invoices/${inv.id}/payments`, {
      body: {
        amount: { amount: Number(v.amount), currency: inv.total?.currency },
        method: v.method,
      },
      headers: { "idempotency-key": crypto.randomUUID() },
    });
    if (answer.status === 201) {
      notify("Payment recorded.");
      await billingScreen(patientId);
    } else {
      showErrors(pay, answer.status === 400 ? answer.body : { message: messageOf(answer) });
    }
  });
  return h(
    "article",
    { class: "card" },
    h("h3", {}, `${inv.number ?? "Draft"} · ${inv.status}`),
    h("p", {}, `Total ${money(inv.total)} · paid ${money(inv.paid)}`),
    inv.status === "DRAFT"
      ? h("button", {
        type: "button",
        class: "primary",
        onclick: async () => {
          const answer = await api("POST", `/api/billing/invoices/${inv.id}/issue`);
          notify(answer.ok ? "Invoice issued." : messageOf(answer));
          await billingScreen(patientId);
        },
      }, "Issue the invoice")
      : null,
    inv.status === "ISSUED" ? pay : null,
  );
}
