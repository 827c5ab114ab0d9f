// Builds the page from elements, never from HTML strings: every value the API returns is text.

/**
 * An element: `h("button", { class: "primary", onclick: fn }, "Save")`. Attributes named `on…`
 * are listeners; `false`, `null` and `undefined` attributes are left out; children are elements,
 * strings (text) or arrays of them.
 */
export function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs ?? {})) {
    if (value === false || value === null || value === undefined) continue;
    if (name.startsWith("on") && typeof value === "function") {
      el.addEventListener(name.slice(2), value);
    } else if (name === "value") {
      el.value = value;
    } else if (name === "checked") {
      el.checked = Boolean(value);
    } else {
      el.setAttribute(name, value === true ? "" : String(value));
    }
  }
  append(el, children);
  return el;
}

function append(el, children) {
  for (const child of children) {
    if (child === null || child === undefined || child === false) continue;
    if (Array.isArray(child)) append(el, child);
    else el.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
}

/** Replaces an element's content. */
export function put(el, ...children) {
  el.replaceChildren();
  append(el, children);
}

let fieldSeq = 0;

/** A labelled input: `field("Name", { name: "name", value })`; its error shows under it. */
export function field(label, attrs = {}, control = "input") {
  const id = `f${++fieldSeq}`;
  const input = control === "textarea"
    ? h("textarea", { id, ...attrs })
    : h(control, { id, ...attrs });
  return h(
    "div",
    { class: "field" },
    h("label", { for: id }, label),
    input,
    h("p", { class: "field-error", id: `${id}-error`, "data-for": attrs.name ?? "" }),
  );
}

/** A labelled select of `options` (`[value, text]` pairs). */
export function select(label, name, options, value) {
  const id = `f${++fieldSeq}`;
  return h(
    "div",
    { class: "field" },
    h("label", { for: id }, label),
    h(
      "select",
      { id, name },
      options.map(([v, text]) => h("option", { value: v, selected: v === value }, text)),
    ),
    h("p", { class: "field-error", "data-for": name }),
  );
}

/** The form's values by input name (empty strings left out unless `keepEmpty`). */
export function values(form, keepEmpty = false) {
  const out = {};
  for (const el of form.querySelectorAll("input[name], select[name], textarea[name]")) {
    if (el.type === "checkbox") out[el.name] = el.checked;
    else if (el.value !== "" || keepEmpty) out[el.name] = el.value;
  }
  return out;
}

/**
 * Shows the API's field messages (`400 {"field": "message"}`) next to their inputs, and what
 * matches no input in the form's own message line. Returns true when something was shown.
 */
export function showErrors(form, body) {
  for (const p of form.querySelectorAll(".field-error")) p.textContent = "";
  for (const el of form.querySelectorAll("[aria-invalid]")) el.removeAttribute("aria-invalid");
  const general = form.querySelector(".form-error");
  if (general) general.textContent = "";
  if (!body || typeof body !== "object") return false;
  let first;
  for (const [name, message] of Object.entries(body)) {
    const p = form.querySelector(`.field-error[data-for="${CSS.escape(name)}"]`);
    if (p) {
      p.textContent = String(message);
      const input = form.querySelector(`[name="${CSS.escape(name)}"]`);
      if (input) {
        input.setAttribute("aria-invalid", "true");
        input.setAttribute("aria-describedby", p.id || "");
        first ??= input;
      }
    } else if (general) {
      general.textContent = typeof message === "string" ? message : JSON.stringify(message);
    }
  }
  first?.focus();
  return true;
}

/** A table of `rows`, each a list of cells (strings or elements). */
export function table(caption, head, rows) {
  return h(
    "table",
    {},
    h("caption", {}, caption),
    h("thead", {}, h("tr", {}, head.map((c) => h("th", { scope: "col" }, c)))),
    h("tbody", {}, rows.map((r) => h("tr", {}, r.map((c) => h("td", {}, c))))),
  );
}

/** A date-time as the clinic reads it (the browser's time zone). */
export function when(iso) {
  if (!iso) return "";
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? String(iso) : d.toLocaleString();
}
