// The staff console: a page per screen behind a hash route holding ids only (no patient data in
// URLs), built from the same public API any client uses.
import { api, messageOf } from "./api.js";
import { field, h, put, showErrors, values } from "./dom.js";
import { begin, can, currentUser, onSessionChange, signOut, touch, useTokens } from "./session.js";
import { patientList, patientPage } from "./screens.js";
import { billingScreen, encounterPage, scheduleScreen } from "./clinic.js";
import { auditScreen, breakGlassQueue, staffScreen } from "./oversight.js";

const main = () => document.getElementById("main");

/** Shows a message for the user (an error, or a confirmation) in the page's alert region. */
export function notify(message) {
  const el = document.getElementById("notice");
  el.textContent = message ?? "";
  el.hidden = !message;
}

/** Renders a screen: a heading the focus moves to, then its content. */
export function screen(title, ...content) {
  document.title = `${title} — Patient Management`;
  put(main(), h("h1", { tabindex: "-1", id: "title" }, title), ...content);
  document.getElementById("title").focus();
}

const ROUTES = [
  [/^#\/patients$/, () => patientList()],
  [/^#\/patients\/([0-9a-f-]{36})$/, (m) => patientPage(m[1])],
  [/^#\/schedules$/, () => scheduleScreen()],
  [/^#\/encounters\/([0-9a-f-]{36})$/, (m) => encounterPage(m[1])],
  [/^#\/billing\/([0-9a-f-]{36})$/, (m) => billingScreen(m[1])],
  [/^#\/audit$/, () => auditScreen()],
  [/^#\/break-glass$/, () => breakGlassQueue()],
  [/^#\/staff$/, () => staffScreen()],
];

function home() {
  if (can("readPatients")) return "#/patients";
  if (can("audit")) return "#/audit";
  return "#/patients";
}

async function route() {
  notify("");
  if (!currentUser()) return signIn();
  const hash = location.hash || home();
  for (const [pattern, show] of ROUTES) {
    const m = hash.match(pattern);
    if (m) return await show(m);
  }
  location.hash = home();
}

function nav() {
  const user = currentUser();
  const el = document.getElementById("nav");
  const who = document.getElementById("who");
  if (!user) {
    put(el);
    put(who);
    return;
  }
  const links = [
    can("readPatients") && ["#/patients", "Patients"],
    can("schedules") && ["#/schedules", "Schedule"],
    can("audit") && ["#/audit", "Audit trail"],
    can("audit") && ["#/break-glass", "Break-glass review"],
    can("admin") && ["#/staff", "Staff"],
  ].filter(Boolean);
  put(el, h("ul", {}, links.map(([href, text]) => h("li", {}, h("a", { href }, text)))));
  put(
    who,
    `${user.name ?? user.email} (${user.role}) `,
    h("button", { type: "button", onclick: () => signOut() }, "Sign out"),
  );
}

function signIn(message) {
  nav();
  const form = h(
    "form",
    { class: "card narrow", novalidate: true },
    field("Email", { name: "email", type: "email", autocomplete: "username", required: true }),
    field("Password", {
      name: "password",
      type: "password",
      autocomplete: "current-password",
      required: true,
    }),
    h("p", { class: "form-error", role: "alert" }),
    h("button", { type: "submit", class: "primary" }, "Sign in"),
  );
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const answer = await api("POST", "/auth/login", { body: values(form, true) });
    if (answer.status === 200 && answer.body.mfaRequired) return mfaStep(answer.body.mfaToken);
    if (answer.status !== 200) {
      showErrors(form, answer.status === 400 ? answer.body : { message: messageOf(answer) });
      return;
    }
    await started(answer.body);
  });
  screen("Sign in", message ? h("p", { class: "info" }, message) : null, form);
}

function mfaStep(mfaToken) {
  const form = h(
    "form",
    { class: "card narrow", novalidate: true },
    h("p", {}, "Enter the 6-digit code from your authenticator app, or a recovery code."),
    field("Code", {
      name: "code",
      inputmode: "numeric",
      autocomplete: "one-time-code",
      required: true,
    }),
    h("p", { class: "form-error", role: "alert" }),
    h("button", { type: "submit", class: "primary" }, "Verify"),
  );
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const code = values(form, true).code.trim();
    const body = /^\d{6}$/.test(code) ? { mfaToken, code } : { mfaToken, recoveryCode: code };
    const answer = await api("POST", "/auth/login/mfa", { body });
    if (answer.status !== 200) {
      showErrors(form, { message: messageOf(answer) });
      return;
    }
    await started(answer.body);
  });
  screen("Two-step verification", form);
}

async function started(tokens) {
  useTokens(tokens);
  const me = await api("GET", "/auth/me");
  if (me.status !== 200) {
    signIn(messageOf(me));
    return;
  }
  begin(tokens, me.body);
}

onSessionChange((user, reason) => {
  nav();
  if (!user) {
    location.hash = "";
    signIn(reason);
  } else if (user.role) {
    if (!location.hash) location.hash = home();
    else route();
  }
});

for (const kind of ["keydown", "pointerdown"]) addEventListener(kind, touch, { passive: true });
addEventListener("hashchange", route);
route();
