import { accessToken, end, refresh, touch } from "./session.js";

const busy = () => document.getElementById("busy");
let pending = 0;

/**
 * Calls the public API with the session's token: `{status, ok, body, headers}`. A `401` is tried
 * once more after a refresh, then ends the session. A call slower than 200 ms shows "Loading…".
 */
export async function api(method, path, options = {}) {
  touch();
  pending++;
  const shown = setTimeout(() => {
    if (pending > 0) busy().hidden = false;
  }, 200);
  try {
    let res = await send(method, path, options);
    if (res.status === 401 && accessToken() && !path.startsWith("/auth/login")) {
      if (await refresh()) res = await send(method, path, options);
      if (res.status === 401) end("Your session has ended. Please sign in again.");
    }
    const text = await res.text();
    let body = null;
    try {
      body = text ? JSON.parse(text) : null;
    } catch {
      body = text;
    }
    return { status: res.status, ok: res.ok, body, headers: res.headers };
  } catch {
    return { status: 0, ok: false, body: { message: "The server could not be reached." } };
  } finally {
    clearTimeout(shown);
    if (--pending === 0) busy().hidden = true;
  }
}

function send(method, path, options) {
  const headers = { accept: "application/json", ...options.headers };
  const token = accessToken();
  if (token) headers.authorization = `Bearer ${token}`;
  let body;
  if (options.body !== undefined) {
    headers["content-type"] ??= "application/json";
    body = JSON.stringify(options.body);
  }
  return fetch(path, { method, headers, body });
}

/** The message of an error answer, for the page. */
export function messageOf(answer) {
  if (answer.status === 403 && answer.body?.breakGlass) return "This record is restricted.";
  if (answer.status === 403) return "You are not allowed to do this.";
  const body = answer.body;
  if (body && typeof body === "object") {
    if (typeof body.message === "string") return body.message;
    if (body.resourceType === "OperationOutcome") return body.issue?.[0]?.diagnostics ?? "Error";
    return Object.values(body).join(" ");
  }
  return `The request failed (${answer.status}).`;
}
