// Patients: lookup, the patient's page, edit with the conflict screen, history, groups, consents,
// duplicates and merge, appointments, encounters, invoices; a restricted record offers
// break-glass.
import { api, messageOf } from "./api.js";
import { field, h, put, select, showErrors, table, values, when } from "./dom.js";
import { can } from "./session.js";
import { notify, screen } from "./app.js";
import { patientInvoices } from "./clinic.js";

const FIELDS = [
  ["name", "Name", "text"],
  ["email", "Email", "email"],
  ["address", "Address", "text"],
  ["dateOfBirth", "Date of birth", "date"],
  ["registeredDate", "Registered", "date"],
];

const lookup = { name: "", email: "", dateOfBirth: "", sort: "name", page: 0, size: 20 };

/**
 * The patient list: lookup by name (each word a prefix of a word of the name, any case or
 * accent), email (exact) and date of birth, paging and sort.
 */
export async function patientList() {
  const results = h("div", { id: "results" });
  const form = h(
    "form",
    { class: "card row", role: "search" },
    field("Name", { name: "name", value: lookup.name, type: "search" }),
    field("Email", { name: "email", value: lookup.email, type: "email" }),
    field("Date of birth", { name: "dateOfBirth", value: lookup.dateOfBirth, type: "date" }),
    select("Sort by", "sort", [
      ["name", "Name A–Z"],
      ["-name", "Name Z–A"],
      ["dateOfBirth", "Oldest first"],
      ["-dateOfBirth", "Youngest first"],
      ["registeredDate", "Oldest registration"],
      ["-registeredDate", "Newest registration"],
    ], lookup.sort),
    h("p", { class: "form-error", role: "alert" }),
    h("button", { type: "submit", class: "primary" }, "Search"),
  );
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    Object.assign(lookup, { name: "", email: "", dateOfBirth: "", page: 0 }, values(form));
    void load();
  });
  async function load() {
    const query = new URLSearchParams({
      page: String(lookup.page),
      size: String(lookup.size),
      sort: lookup.sort,
    });
    if (lookup.name) query.set("name", lookup.name);
    if (lookup.email) query.set("email", lookup.email);
    if (lookup.dateOfBirth) query.set("dateOfBirth", lookup.dateOfBirth);
    const answer = await api("GET", `/api/patients?${query}`);
    if (answer.status !== 200) {
      showErrors(form, answer.status === 400 ? answer.body : { message: messageOf(answer) });
      put(results);
      return;
    }
    const total = Number(answer.headers.get("x-total-count") ?? answer.body.length);
    const pages = Math.max(1, Math.ceil(total / lookup.size));
    put(
      results,
      table(
        `${total} patient${total === 1 ? "" : "s"}`,
        ["Name", "Date of birth", "Email"],
        answer.body.map((p) =>
          p.restricted
            ? [h("a", { href: `#/patients/${p.id}` }, "Restricted record"), "—", "—"]
            : [h("a", { href: `#/patients/${p.id}` }, p.name), p.dateOfBirth, p.email]
        ),
      ),
      h(
        "nav",
        { class: "pager", "aria-label": "Pages" },
        h("button", {
          type: "button",
          disabled: lookup.page === 0,
          onclick: () => {
            lookup.page--;
            void load();
          },
        }, "Previous"),
        h("span", {}, `Page ${lookup.page + 1} of ${pages}`),
        h("button", {
          type: "button",
          disabled: lookup.page + 1 >= pages,
          onclick: () => {
            lookup.page++;
            void load();
          },
        }, "Next"),
      ),
    );
  }
  screen(
    "Patients",
    form,
    can("writePatients")
      ? h(
        "p",
        {},
        h("button", { type: "button", onclick: () => registerForm() }, "Register a patient"),
      )
      : null,
    results,
  );
  await load();
}

function registerForm() {
  const form = h(
    "form",
    { class: "card", novalidate: true },
    FIELDS.map(([name, label, type]) => field(label, { name, type, required: true })),
    h("p", { class: "form-error", role: "alert" }),
    h("button", { type: "submit", class: "primary" }, "Register"),
  );
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const answer = await api("POST", "/api/patients", {
      body: values(form, true),
      headers: { "idempotency-key": crypto.randomUUID() },
    });
    if (answer.status === 201) {
      location.hash = `#/patients/${answer.body.id}`;
      notify("Patient registered.");
      return;
    }
    showErrors(form, answer.status === 400 ? answer.body : { message: messageOf(answer) });
  });
  screen("Register a patient", form);
}

/** A restricted record: the reason to break the glass, then the record. */
function breakGlass(id) {
  const form = h(
    "form",
    { class: "card", novalidate: true },
    h(
      "p",
      {},
      "Opening it is recorded, alerted to the security officer and reviewed. Give the reason.",
    ),
    select("Reason", "reason", [
      ["EMERGENCY", "Emergency"],
      ["PATIENT_SAFETY", "Patient safety"],
      ["LEGAL", "Legal"],
      ["OTHER", "Other"],
    ], "EMERGENCY"),
    field("Justification (20 to 1,000 characters)", {
      name: "justification",
      required: true,
      minlength: 20,
      maxlength: 1000,
    }, "textarea"),
    h("p", { class: "form-error", role: "alert" }),
    h("button", { type: "submit", class: "danger" }, "Break the glass"),
  );
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const answer = await api("POST", `/api/patients/${id}/break-glass`, {
      body: values(form, true),
    });
    if (answer.status === 201) {
      notify(`Access granted until ${when(answer.body.expiresAt)}.`);
      await patientPage(id);
      return;
    }
    showErrors(form, answer.status === 400 ? answer.body : { message: messageOf(answer) });
  });
  screen(
    "Restricted record",
    h("p", { class: "info" }, "This record is restricted to the staff its ADMIN listed."),
    can("breakGlass")
      ? form
      : h("p", {}, "Only a clinician or an administrator may open it in an emergency."),
  );
}

/** A patient's page. */
export async function patientPage(id) {
  const answer = await api("GET", `/api/patients/${id}`);
  if (answer.status === 403 && answer.body?.breakGlass) return breakGlass(id);
  if (answer.status !== 200) {
    screen("Patient", h("p", { class: "error" }, messageOf(answer)));
    return;
  }
  const patient = answer.body;
  const version = Number((answer.headers.get("etag") ?? "").replace(/\D/g, "")) ||
    patient.version;
  const sections = h("div", { class: "sections" });
  screen(
    patient.name,
    details(patient),
    can("writePatients") ? editForm(patient, version) : null,
    sections,
  );
  const parts = [
    can("history") && history(id),
    can("groups") && groups(id),
    can("consentsRead") && consents(id),
    can("readPatients") && duplicates(id),
    can("appointments") && appointments(id),
    can("clinical") && encounters(id),
    can("billing") && patientInvoices(id),
  ].filter(Boolean);
  for (const part of await Promise.all(parts)) sections.append(part);
}

function details(p) {
  return h(
    "dl",
    { class: "card details" },
    FIELDS.map(([name, label]) => [h("dt", {}, label), h("dd", {}, p[name] ?? "")]),
    h("dt", {}, "Version"),
    h("dd", {}, String(p.version)),
  );
}

function editForm(patient, version) {
  const form = h(
    "form",
    { class: "card", novalidate: true, "aria-label": "Edit patient" },
    h("h2", {}, "Edit"),
    FIELDS.map(([name, label, type]) => field(label, { name, type, value: patient[name] ?? "" })),
    h("p", { class: "form-error", role: "alert" }),
    h("button", { type: "submit", class: "primary" }, "Save"),
  );
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const mine = values(form, true);
    const answer = await api("PUT", `/api/patients/${patient.id}`, {
      body: mine,
      headers: { "if-match": `W/"${version}"` },
    });
    if (answer.status === 200) {
      notify("Saved.");
      await patientPage(patient.id);
    } else if (answer.status === 412) {
      await conflict(patient.id, mine);
    } else {
      showErrors(form, answer.status === 400 ? answer.body : { message: messageOf(answer) });
    }
  });
  return form;
}

/** Someone else saved first: their values beside the user's, the user chooses per field. */
async function conflict(id, mine) {
  const answer = await api("GET", `/api/patients/${id}`);
  if (answer.status !== 200) {
    notify(messageOf(answer));
    return;
  }
  const theirs = answer.body;
  const version = theirs.version;
  const differing = FIELDS.filter(([name]) => (theirs[name] ?? "") !== (mine[name] ?? ""));
  const form = h(
    "form",
    { class: "card", novalidate: true },
    h(
      "p",
      {},
      "Someone else changed this patient while you were editing. Choose, for each field, which value to keep.",
    ),
    differing.map(([name, label]) =>
      h(
        "fieldset",
        { class: "choice" },
        h("legend", {}, label),
        h(
          "label",
          {},
          h("input", { type: "radio", name, value: "theirs", checked: true }),
          ` Theirs: ${theirs[name] ?? ""}`,
        ),
        h(
          "label",
          {},
          h("input", { type: "radio", name, value: "mine" }),
          ` Yours: ${mine[name] ?? ""}`,
        ),
      )
    ),
    h("p", { class: "form-error", role: "alert" }),
    h("button", { type: "submit", class: "primary" }, "Save my choice"),
  );
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const chosen = {};
    for (const [name] of FIELDS) {
      const pick = form.querySelector(`input[name="${name}"]:checked`)?.value;
      chosen[name] = pick === "mine" ? mine[name] : theirs[name];
    }
    const saved = await api("PUT", `/api/patients/${id}`, {
      body: chosen,
      headers: { "if-match": `W/"${version}"` },
    });
    if (saved.status === 200) {
      notify("Saved.");
      await patientPage(id);
    } else if (saved.status === 412) {
      await conflict(id, chosen);
    } else {
      showErrors(form, saved.status === 400 ? saved.body : { message: messageOf(saved) });
    }
  });
  screen("Edit conflict", form);
}

async function section(title, path, render) {
  const answer = await api("GET", path);
  return h(
    "section",
    {},
    h("h2", {}, title),
    answer.status === 200 ? render(answer.body) : h("p", { class: "error" }, messageOf(answer)),
  );
}

const history = (id) =>
  section(
    "History",
    `/api/patients/${id}/history?size=20`,
    (entries) =>
      table(
        "Changes, newest first",
        ["Version", "When", "By", "Change"],
        entries.map((e) => [
          String(e.version),
          when(e.changedAt),
          e.changedBy,
          e.change,
        ]),
      ),
  );

const groups = (id) =>
  section(
    "Groups",
    `/api/patients/${id}/groups`,
    (list) =>
      list.length === 0 ? h("p", {}, "In no group.") : table(
        "Groups",
        ["Group", "Kind", "Relationship"],
        list.map((g) => [
          g.name,
          g.kind,
          g.relationship,
        ]),
      ),
  );

const consents = (id) =>
  section("Consents", `/api/patients/${id}/consents`, (list) =>
    table(
      "Consents by scope",
      ["Scope", "Status", "Recorded", ""],
      list.map((c) => [
        c.scope,
        c.status,
        c.recordedAt ? when(c.recordedAt) : "never",
        can("consentsWrite")
          ? h(
            "span",
            { class: "actions" },
            ["GRANTED", "DENIED"].map((status) =>
              h("button", {
                type: "button",
                disabled: c.status === status,
                onclick: async () => {
                  const answer = await api("PUT", `/api/patients/${id}/consents/${c.scope}`, {
                    body: { status },
                  });
                  notify(answer.ok ? `${c.scope} ${status.toLowerCase()}.` : messageOf(answer));
                  if (answer.ok) await patientPage(id);
                },
              }, status === "GRANTED" ? `Grant ${c.scope}` : `Deny ${c.scope}`)
            ),
          )
          : "",
      ]),
    ));

const duplicates = (id) =>
  section(
    "Likely duplicates",
    `/api/patients/${id}/duplicates`,
    (list) =>
      list.length === 0 ? h("p", {}, "None found.") : table(
        "Candidates, best first",
        ["Patient", "Date of birth", ""],
        list.map((d) => {
          const other = d.patient ?? d;
          return [
            h("a", { href: `#/patients/${other.id}` }, other.name ?? "Restricted record"),
            other.dateOfBirth ?? "",
            can("admin") ? mergeButton(id, other) : "",
          ];
        }),
      ),
  );

function mergeButton(targetId, source) {
  return h("button", {
    type: "button",
    onclick: () => {
      const form = h(
        "form",
        { class: "card", novalidate: true },
        h("p", {}, `Merge ${source.name ?? source.id} into this patient. It can be undone.`),
        field("Reason", { name: "reason", required: true, maxlength: 255 }),
        h("p", { class: "form-error", role: "alert" }),
        h("button", { type: "submit", class: "danger" }, "Merge"),
      );
      form.addEventListener("submit", async (event) => {
        event.preventDefault();
        const answer = await api("POST", `/api/patients/${targetId}/merge`, {
          body: { sourceId: source.id, reason: values(form, true).reason },
        });
        if (answer.status === 200) {
          notify("Merged.");
          await patientPage(targetId);
          return;
        }
        showErrors(form, answer.status === 400 ? answer.body : { message: messageOf(answer) });
      });
      screen("Merge patients", form);
    },
  }, "Merge into this patient");
}

const appointments = (id) =>
  section(
    "Appointments",
    `/api/appointments?patientId=${id}&size=20`,
    (list) =>
      list.length === 0 ? h("p", {}, "No appointments.") : table(
        "Appointments",
        ["Start", "Status", "Reason"],
        list.map((a) => [
          when(a.start),
          a.status,
          a.reason ?? "",
        ]),
      ),
  );

const encounters = async (id) => {
  const part = await section(
    "Encounters",
    `/api/encounters?patientId=${id}&size=20`,
    (list) =>
      list.length === 0 ? h("p", {}, "No encounters.") : table(
        "Encounters, newest first",
        ["Started", "Class", "Status"],
        list.map((e) => [
          h("a", { href: `#/encounters/${e.id}` }, when(e.startedAt)),
          e.class,
          e.status,
        ]),
      ),
  );
  part.append(h("button", {
    type: "button",
    onclick: async () => {
      const answer = await api("POST", "/api/encounters", {
        body: { patientId: id, class: "AMBULATORY" },
        headers: { "idempotency-key": crypto.randomUUID() },
      });
      if (answer.status === 201) location.hash = `#/encounters/${answer.body.id}`;
      else notify(messageOf(answer));
    },
  }, "Start an encounter"));
  return part;
};
