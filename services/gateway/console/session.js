// The signed-in user's session, in memory only: never in localStorage, sessionStorage, a cookie
// the page can read, or a URL. Reloading the page signs out.

const state = { token: null, refreshToken: null, expiresAt: 0, ttlMs: 0, user: null };
let lastActivity = Date.now();
let timer;
const listeners = new Set();

/** The signed-in user (`{id, email, name, role}`), or null. */
export const currentUser = () => state.user;
/** The access token, or null. */
export const accessToken = () => state.token;

/** Calls `fn` when the session starts or ends. */
export function onSessionChange(fn) {
  listeners.add(fn);
}

/** Holds a login answer's tokens (`{token, refreshToken, expiresIn}`) before the user is known. */
export function useTokens(answer) {
  state.token = answer.token;
  state.refreshToken = answer.refreshToken;
}

/** Starts a session from a login answer (`{token, refreshToken, expiresIn}`) and `/auth/me`. */
export function begin(answer, user) {
  state.token = answer.token;
  state.refreshToken = answer.refreshToken;
  state.ttlMs = (answer.expiresIn ?? 900) * 1000;
  state.expiresAt = Date.now() + state.ttlMs;
  state.user = user;
  lastActivity = Date.now();
  clearInterval(timer);
  timer = setInterval(tick, 5_000);
  for (const fn of listeners) fn(state.user);
}

/** Ends the session here (the caller has told the server, when it could). */
export function end(reason) {
  state.token = state.refreshToken = state.user = null;
  clearInterval(timer);
  for (const fn of listeners) fn(null, reason);
}

/** Records activity: a session in use is refreshed before its token expires. */
export function touch() {
  lastActivity = Date.now();
}

/** Exchanges the refresh token for new tokens; false when the session is over. */
export async function refresh() {
  if (!state.refreshToken) return false;
  const res = await fetch("/auth/refresh", {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ refreshToken: state.refreshToken }),
  }).catch(() => null);
  if (!res || res.status !== 200) return false;
  const answer = await res.json();
  state.token = answer.token;
  state.refreshToken = answer.refreshToken;
  state.ttlMs = (answer.expiresIn ?? 900) * 1000;
  state.expiresAt = Date.now() + state.ttlMs;
  return true;
}

// Idle for a whole token lifetime (JWT_TTL_SECONDS): the session ends. In use: the token is
// refreshed in its last minute.
async function tick() {
  if (!state.token) return;
  const now = Date.now();
  if (now - lastActivity >= state.ttlMs) {
    await signOut("Signed out after a period without activity.");
  } else if (state.expiresAt - now < 60_000 && !(await refresh())) {
    end("Your session has ended. Please sign in again.");
  }
}

/** Signs out: the server ends the session, the page forgets the tokens. */
export async function signOut(reason = "Signed out.") {
  if (state.token) {
    await fetch("/auth/logout", {
      method: "POST",
      headers: { authorization: `Bearer ${state.token}` },
    }).catch(() => {});
  }
  end(reason);
}

// What each role may do (the role matrix of the API); the server decides in the end.
const ROLES = {
  readPatients: ["ADMIN", "CLINICIAN", "FRONT_DESK", "BILLING"],
  writePatients: ["ADMIN", "CLINICIAN", "FRONT_DESK"],
  history: ["ADMIN", "CLINICIAN"],
  groups: ["ADMIN", "CLINICIAN", "FRONT_DESK"],
  consentsRead: ["ADMIN", "CLINICIAN", "FRONT_DESK", "BILLING"],
  consentsWrite: ["ADMIN", "CLINICIAN", "FRONT_DESK"],
  admin: ["ADMIN"],
  breakGlass: ["ADMIN", "CLINICIAN"],
  schedules: ["ADMIN", "CLINICIAN", "FRONT_DESK"],
  appointments: ["ADMIN", "CLINICIAN", "FRONT_DESK"],
  clinical: ["ADMIN", "CLINICIAN"],
  billing: ["ADMIN", "BILLING"],
  audit: ["ADMIN", "AUDITOR"],
};

/** True when the signed-in user's role may do `what` (a key of the role table). */
export function can(what) {
  return Boolean(state.user && ROLES[what]?.includes(state.user.role));
}
