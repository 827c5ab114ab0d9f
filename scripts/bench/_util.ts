/**
 * Small helpers the benchmarks share: their flags, running a command, gateway paths from the
 * catalog, percentiles, logging in and registering patients.
 *
 * @module
 */
import type { AuditRecord } from "@pms/audit";
import { topology } from "../../services/catalog.ts";

/** The number after `--name` on the command line, or `fallback` when the flag is absent. */
export function numberArg(name: string, fallback: number): number {
  const i = Deno.args.indexOf(`--${name}`);
  return i >= 0 ? Number(Deno.args[i + 1]) : fallback;
}

/** Runs `cmd` and returns its stdout; throws with its stderr and stdout when it fails. */
export async function runCommand(
  cmd: string,
  args: string[],
  env?: Record<string, string>,
): Promise<string> {
  const out = await new Deno.Command(cmd, { args, env, stdout: "piped", stderr: "piped" }).output();
  const text = new TextDecoder().decode(out.stdout);
  if (!out.success) {
    throw new Error(`${cmd} failed: ${new TextDecoder().decode(out.stderr)}${text}`);
  }
  return text;
}

/** The `p`th percentile of an ascending list (NaN when it is empty). */
export function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? NaN;
}

/**
 * What the gateway puts before a path of `service` (its catalog route's stripped prefix): `/api`
 * for patient, `/auth` for auth.
 */
export function gatewayPrefix(service: string): string {
  const route = topology(service).routes[0];
  if (!route) throw new Error(`the gateway routes nothing to ${service}`);
  return route.strip;
}

/** Logs in as the seeded user through the gateway and returns the token. */
export async function loginSeededUser(gateway: string): Promise<string> {
  const res = await fetch(`${gateway}${gatewayPrefix("auth")}/login`, {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify({ email: "testuser@test.com", password: "password123" }),
  });
  if (res.status !== 200) throw new Error(`login failed: ${res.status} ${await res.text()}`);
  return (await res.json()).token;
}

/** Resolves after `ms` milliseconds. */
export function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

/**
 * A JSON call through the gateway with a bearer token: a GET without `body`, else a POST of it
 * (with an `Idempotency-Key` when `key` is given). Throws on any answer from 300 up.
 */
export async function callGateway(
  gateway: string,
  token: string,
  path: string,
  body?: unknown,
  key?: string,
  // deno-lint-ignore no-explicit-any
): Promise<any> {
  const res = await fetch(`${gateway}${path}`, {
    method: body === undefined ? "GET" : "POST",
    headers: {
      Authorization: `Bearer ${token}`,
      ...(body === undefined ? {} : { "Content-Type": "application/json" }),
      ...(key ? { "Idempotency-Key": key } : {}),
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  if (res.status >= 300) throw new Error(`${path}: ${res.status} ${text}`);
  return text ? JSON.parse(text) : undefined;
}

/**
 * Registers `n` patients at `url` (the gateway's `/patients`), `concurrency` at a time, named
 * after `label`: when each 201 was sent (ms), by the new patient's id, and how many failed.
 */
export async function createPatients(
  url: string,
  token: string,
  options: { n: number; concurrency: number; label: string },
): Promise<{ sent: Map<string, number>; errors: number }> {
  const { n, label } = options;
  const sent = new Map<string, number>();
  let next = 0;
  let errors = 0;
  const worker = async () => {
    while (next < n) {
      const i = next++;
      const tag = `${crypto.randomUUID().slice(0, 12)}${i}`;
      const t0 = Date.now();
      const res = await fetch(url, {
        method: "POST",
        headers: { Authorization: `Bearer ${token}`, "Content-Type": "application/json" },
        body: JSON.stringify({
          name: `${label} ${tag}`,
          email: `${label.toLowerCase()}.${tag}@example.com`,
          address: `1 ${label} Street`,
          dateOfBirth: "1980-01-01",
          registeredDate: "2024-01-01",
        }),
      });
      if (res.status === 201) sent.set((await res.json()).id, t0);
      else (errors++, await res.body?.cancel());
    }
  };
  await Promise.all(Array.from({ length: options.concurrency }, worker));
  return { sent, errors };
}

/**
 * The spread of `lags` (ascending, ms) of `sent` timed tries: how many of those got no lag
 * (lost), p50, p99 and the longest.
 */
export function lagSpread(lags: number[], sent: number) {
  return {
    lost: sent - lags.length,
    p50Ms: percentile(lags, 50),
    p99Ms: percentile(lags, 99),
    maxMs: lags.at(-1),
  };
}

const RECORDS_FROM = Date.UTC(2026, 0, 1);

/**
 * The i-th audit record of a patient list, as the patient service records it: a random page of
 * `pageSize` of `patients`, 50 ms after the one before.
 */
export function listAuditRecord(i: number, patients: string[], pageSize: number): AuditRecord {
  const page = Math.floor(Math.random() * Math.floor(patients.length / pageSize));
  return {
    id: crypto.randomUUID(),
    time: new Date(RECORDS_FROM + i * 50).toISOString(),
    actor: {
      userId: crypto.randomUUID(),
      email: `clinician${i % 40}@clinic.example`,
      role: "CLINICIAN",
    },
    action: "patient.search",
    outcome: "SUCCESS",
    patientIds: patients.slice(page * pageSize, page * pageSize + pageSize),
    service: "patient",
    clientAddress: "10.0.0.17",
    requestId: crypto.randomUUID(),
    traceId: crypto.randomUUID().replaceAll("-", ""),
    details: { page, size: pageSize, sort: "lastName", name: "Jo" },
  };
}
