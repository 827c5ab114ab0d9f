import { type KafkaHandle, startKafka } from "@pms/infra";
import { silentLogger, startSystem, type StartSystemOptions, type System } from "@pms/testing";
import { catalog } from "../services/catalog.ts";

/** The whole HTTP product on real processes and a real database, plus helpers to call it. */
export interface Harness {
  system: System;
  gateway: string;
  /** Calls the gateway; `token` adds a bearer header; a non-string `body` is sent as JSON. */
  call(
    path: string,
    init?: Omit<RequestInit, "body"> & { token?: string; body?: unknown },
  ): Promise<Response>;
  /** Logs in as the seeded user and returns the token. */
  login(): Promise<string>;
}

const DEMO_PASSWORD = "demo-password-2026";

/** The systems this test file started: a wait that times out shows their last log lines. */
const started = new Set<System>();

/** The seeded staff accounts, one per role: `[email, password]` (never seeded in production). */
export const DEMO_USERS = {
  ADMIN: ["testuser@test.com", "password123"],
  CLINICIAN: ["clinician@test.com", DEMO_PASSWORD],
  FRONT_DESK: ["frontdesk@test.com", DEMO_PASSWORD],
  BILLING: ["billing@test.com", DEMO_PASSWORD],
  AUDITOR: ["auditor@test.com", DEMO_PASSWORD],
} as const;

/** A staff role. */
export type DemoRole = keyof typeof DEMO_USERS;

/** Starts the system (by default auth, patient and gateway: the synchronous product). */
export async function startHarness(options: StartSystemOptions = {}): Promise<Harness> {
  const system = await startSystem(catalog, {
    services: ["auth", "patient", "gateway"],
    ...options,
  });
  started.add(system);
  const gateway = system.urls.gateway!;
  const call: Harness["call"] = (path, init = {}) => {
    const { token, body, headers, ...rest } = init;
    const h = new Headers(headers);
    if (token) h.set("Authorization", `Bearer ${token}`);
    let payload: BodyInit | undefined;
    if (typeof body === "string" || body instanceof Uint8Array) {
      payload = body as BodyInit;
    } else if (body !== undefined) {
      payload = JSON.stringify(body);
      if (!h.has("Content-Type")) h.set("Content-Type", "application/json");
    }
    return fetch(`${gateway}${path}`, { ...rest, headers: h, body: payload });
  };
  return {
    system,
    gateway,
    call,
    async login() {
      const res = await call("/auth/login", {
        method: "POST",
        body: { email: "testuser@test.com", password: "password123" },
      });
      if (res.status !== 200) throw new Error(`login failed: ${res.status} ${await res.text()}`);
      return (await res.json()).token;
    },
  };
}

/** Polls `probe` until it returns a value other than undefined, or fails after `timeoutMs`. */
export async function eventually<T>(
  what: string,
  probe: () => Promise<T | undefined>,
  timeoutMs = 30_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  while (Date.now() < deadline) {
    try {
      const value = await probe();
      if (value !== undefined) return value;
    } catch (error) {
      last = error;
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`timed out waiting for ${what}${recentLogs()}`, { cause: last });
}

/** The last lines (warnings and errors: tests log at `warn`) of every running service. */
function recentLogs(): string {
  const lines = [...started].flatMap((system) =>
    Object.keys(system.urls).flatMap((name) =>
      system.logs(name).slice(-20).map((line) => `  ${name}: ${line}`)
    )
  );
  return lines.length > 0 ? `; the services' last log lines:\n${lines.join("\n")}` : "";
}

/** A valid new patient with a unique email. */
export function newPatient(tag = crypto.randomUUID().slice(0, 8)) {
  return {
    name: `Test Patient ${tag}`,
    email: `patient.${tag}@example.com`,
    address: "1 Test Street",
    dateOfBirth: "1990-01-01",
    registeredDate: "2024-01-01",
  };
}

/** A broker of the test's own, so it can be paused and stopped (only a local broker can). */
export async function ownBroker(): Promise<KafkaHandle | undefined> {
  const kafka = await startKafka({ logger: silentLogger(), mode: "test", topics: [], env: {} });
  if (kafka.pause && kafka.resume) return kafka;
  await kafka.stop();
  return undefined;
}

/** Logs in every demo role: each one's token and user id. */
export async function loginEveryRole(
  h: Harness,
): Promise<{ tokens: Record<DemoRole, string>; ids: Record<DemoRole, string> }> {
  const tokens = {} as Record<DemoRole, string>;
  const ids = {} as Record<DemoRole, string>;
  for (const role of Object.keys(DEMO_USERS) as DemoRole[]) {
    const [email, password] = DEMO_USERS[role];
    const res = await h.call("/auth/login", { method: "POST", body: { email, password } });
    tokens[role] = (await res.json()).token;
    ids[role] = (await (await h.call("/auth/me", { token: tokens[role] })).json()).id;
  }
  return { tokens, ids };
}

/** The JSON body of an answer that must have `status` (the body is in the failure's message). */
// deno-lint-ignore no-explicit-any
export async function expectJson(res: Response, status: number, label = ""): Promise<any> {
  const text = await res.text();
  if (res.status !== status) {
    throw new Error(`${label} expected ${status}, got ${res.status}: ${text}`);
  }
  return text ? JSON.parse(text) : undefined;
}
