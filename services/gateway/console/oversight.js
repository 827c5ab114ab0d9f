// Oversight: the audit trail with disclosures and verification, the break-glass review queue,
// staff accounts.
import { api, messageOf } from "./api.js";
import { field, h, put, select, showErrors, table, values, when } from "./dom.js";
import { can } from "./session.js";
import { notify, screen } from "./app.js";

const records = (list) =>
  table(
    "Records, newest first",
    ["When", "Who", "Action", "Outcome", "Patients"],
    list.map((r) => [
      when(r.time),
      r.actor?.email ?? "—",
      r.action,
      r.outcome,
      String((r.patientIds ?? []).length),
    ]),
  );

/** The audit trail: search, a patient's disclosures, the chain's verification. */
export function auditScreen() {
  if (!can("audit")) {
    screen(
      "Audit trail",
      h("p", { class: "error" }, "You are not allowed to see the audit trail."),
    );
    return;
  }
  const out = h("div", { id: "audit-results" });
  const search = h(
    "form",
    { class: "card row", role: "search", novalidate: true },
    field("Patient id", { name: "patientId" }),
    field("Action (prefix*)", { name: "action" }),
    select("Outcome", "outcome", [["", "Any"], ["SUCCESS", "Success"], ["DENIED", "Denied"], [
      "FAILED",
      "Failed",
    ]], ""),
    h("p", { class: "form-error", role: "alert" }),
    h("button", { type: "submit", class: "primary" }, "Search"),
  );
  search.addEventListener("submit", async (event) => {
    event.preventDefault();
    const query = new URLSearchParams({ size: "50", ...values(search) });
    const answer = await api("GET", `/api/audit?${query}`);
    if (answer.status !== 200) {
      showErrors(search, answer.status === 400 ? answer.body : { message: messageOf(answer) });
      return;
    }
    put(out, records(answer.body));
  });
  const disclosures = h(
    "form",
    { class: "card row", novalidate: true, "aria-label": "Disclosures" },
    field("Patient id for disclosures", { name: "id", required: true }),
    h("p", { class: "form-error", role: "alert" }),
    h("button", { type: "submit", class: "primary" }, "Show disclosures"),
  );
  disclosures.addEventListener("submit", async (event) => {
    event.preventDefault();
    const id = (values(disclosures).id ?? "").trim();
    const answer = await api("GET", `/api/audit/patients/${encodeURIComponent(id)}/disclosures`);
    if (answer.status !== 200) {
      showErrors(disclosures, { message: messageOf(answer) });
      return;
    }
    put(out, h("h2", {}, "Disclosures"), records(answer.body));
  });
  const verify = h("button", {
    type: "button",
    onclick: async () => {
      const answer = await api("GET", "/api/audit/verify");
      if (answer.status !== 200) return notify(messageOf(answer));
      const v = answer.body;
      put(
        out,
        h(
          "p",
          { class: v.ok ? "info" : "error", id: "verify-result" },
          v.ok
            ? `The chain holds: ${v.records} records, checkpoints ${
              v.checkpoints?.ok ? "hold" : "do not hold"
            }.`
            : `The chain is broken at ${v.firstBadId ?? "an unknown record"}.`,
        ),
      );
    },
  }, "Verify the chain");
  screen("Audit trail", search, disclosures, h("p", {}, verify), out);
}

/** Break-glass grants to review, with the calls each allowed. */
export async function breakGlassQueue() {
  const answer = await api("GET", "/api/audit/break-glass?reviewed=false&size=50");
  if (answer.status !== 200) {
    screen("Break-glass review", h("p", { class: "error" }, messageOf(answer)));
    return;
  }
  screen(
    "Break-glass review",
    answer.body.length === 0 ? h("p", {}, "Nothing to review.") : answer.body.map((g) => {
      const form = h(
        "form",
        { class: "row", novalidate: true, "aria-label": `Review of grant ${g.grantId}` },
        field("Review note", { name: "note", required: true, maxlength: 1000 }),
        h("p", { class: "form-error", role: "alert" }),
        h("button", { type: "submit", class: "primary" }, "Record review"),
      );
      form.addEventListener("submit", async (event) => {
        event.preventDefault();
        const done = await api("POST", `/api/audit/break-glass/${g.grantId}/review`, {
          body: values(form, true),
        });
        if (done.status === 200) {
          notify("Review recorded.");
          await breakGlassQueue();
        } else {
          showErrors(form, done.status === 400 ? done.body : { message: messageOf(done) });
        }
      });
      return h(
        "article",
        { class: "card" },
        h("h2", {}, `${g.reason} · ${when(g.grantedAt)}`),
        h(
          "p",
          {},
          `User ${g.userId}, patient ${g.patientId}, ${g.accesses} calls, until ${
            when(g.expiresAt)
          }`,
        ),
        h("blockquote", {}, g.justification ?? ""),
        form,
      );
    }),
  );
}

/** Staff accounts (ADMIN): list, create, disable. */
export async function staffScreen() {
  const answer = await api("GET", "/auth/users?size=100");
  if (answer.status !== 200) {
    screen("Staff", h("p", { class: "error" }, messageOf(answer)));
    return;
  }
  const form = h(
    "form",
    { class: "card", novalidate: true, "aria-label": "New account" },
    h("h2", {}, "New account"),
    field("Name", { name: "name", required: true }),
    field("Email", { name: "email", type: "email", required: true }),
    select(
      "Role",
      "role",
      ["ADMIN", "CLINICIAN", "FRONT_DESK", "BILLING", "AUDITOR"].map((r) => [
        r,
        r,
      ]),
      "FRONT_DESK",
    ),
    field("Password", { name: "password", type: "password", autocomplete: "new-password" }),
    h("p", { class: "form-error", role: "alert" }),
    h("button", { type: "submit", class: "primary" }, "Create"),
  );
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const created = await api("POST", "/auth/users", { body: values(form, true) });
    if (created.status === 201) {
      notify("Account created.");
      await staffScreen();
    } else {
      showErrors(form, created.status === 400 ? created.body : { message: messageOf(created) });
    }
  });
  screen(
    "Staff",
    table(
      "Accounts",
      ["Name", "Email", "Role", "State", ""],
      answer.body.map((u) => [
        u.name,
        u.email,
        u.role,
        u.disabled ? "disabled" : "active",
        h("button", {
          type: "button",
          onclick: async () => {
            const done = await api("PATCH", `/auth/users/${u.id}`, {
              body: { disabled: !u.disabled },
            });
            notify(done.ok ? "Saved." : messageOf(done));
            await staffScreen();
          },
        }, u.disabled ? `Enable ${u.email}` : `Disable ${u.email}`),
      ]),
    ),
    form,
  );
}
