import assert from "node:assert/strict";
import { exportJWK, generateKeyPair, SignJWT } from "jose";
import { createTokenVerifier } from "@pms/jwt";
import { Logger } from "@pms/log";
import { createServiceApp } from "@pms/service";
import { gatewayMiddleware, mountGatewayRoutes } from "../app.ts";
import { loadGatewayConfig } from "../config.ts";
import { serveBounded } from "../serve_bounded.ts";
import { exchange } from "../_test_util.ts";
import { proxyFastPath } from "./fast_path.ts";
import { UpstreamClient } from "./upstream_client.ts";
import { REFUSED_ADDRESS } from "@pms/testing";

const { privateKey, publicKey } = await generateKeyPair("EdDSA", { extractable: true });
const jwk = { ...(await exportJWK(publicKey)), kid: "k1", alg: "EdDSA" };
const verify = createTokenVerifier({
  jwks: { keys: [jwk] },
  issuer: "patient-management-auth",
  audience: "patient-management",
});
const token = await new SignJWT({ role: "ADMIN", uid: crypto.randomUUID(), sid: "s" })
  .setProtectedHeader({ alg: "EdDSA", kid: "k1" }).setSubject("testuser@test.com")
  .setIssuer("patient-management-auth").setAudience("patient-management")
  .setIssuedAt().setExpirationTime("5m").sign(privateKey);
/** A token that only allows MFA enrolment (at auth's own-account routes, not behind the check). */
const enrolment = await new SignJWT({
  role: "ADMIN",
  uid: crypto.randomUUID(),
  sid: "s",
  mfa_enroll: true,
}).setProtectedHeader({ alg: "EdDSA", kid: "k1" }).setSubject("testuser@test.com")
  .setIssuer("patient-management-auth").setAudience("patient-management")
  .setIssuedAt().setExpirationTime("5m").sign(privateKey);

// `serveBounded`'s adapter puts its own `Response` in the global scope; `Deno.serve` (the upstream
// here, in the same process) takes only the runtime's.
const NativeResponse = globalThis.Response;

/** An upstream that echoes what reached it, with a few fixed answers by path. */
function startUpstream() {
  const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen() {} }, async (req) => {
    const url = new URL(req.url);
    const path = url.pathname;
    if (path.endsWith("/slow")) await new Promise((r) => setTimeout(r, 600));
    if (path === "/patients/moved") {
      return NativeResponse.json({ id: "1" }, {
        status: 201,
        headers: {
          Location: "/patients/1",
          Connection: "x-hop",
          "X-Hop": "1",
          "X-Request-Id": "the-service's",
          "Content-Security-Policy": "the service's",
          "Set-Cookie": "a=1",
          "X-Twice": "1",
        },
      });
    }
    if (path === "/patients/none") return new NativeResponse(null, { status: 204 });
    if (path === "/patients/text") {
      return new NativeResponse("plain", { headers: { "X-Own": "yes" } });
    }
    if (path === "/patients/stream") {
      return new NativeResponse(ReadableStream.from([new TextEncoder().encode("chunked body")]));
    }
    if (path === "/fhir/R4/Patient/missing") {
      return NativeResponse.json({ message: "Patient not found" }, { status: 404 });
    }
    const received = [...req.headers].filter(([name]) => name !== "traceparent");
    return NativeResponse.json({
      method: req.method,
      path,
      search: url.search,
      // The span id is new on every call: only the trace id is compared.
      trace: req.headers.get("traceparent")?.split("-")[1],
      received,
      body: await req.text(),
    });
  });
  return { url: `http://127.0.0.1:${server.addr.port}`, stop: () => server.shutdown() };
}

/** A gateway on `serveBounded`, with or without the fast path; counts what the fast path took. */
async function startGateway(upstream: string, fast: boolean) {
  const config = loadGatewayConfig({
    AUTH_URL: upstream,
    PATIENT_URL: upstream,
    BILLING_URL: `http://${REFUSED_ADDRESS}`,
    ANALYTICS_URL: upstream,
    NOTIFICATION_URL: upstream,
    UPSTREAM_TIMEOUT_MS: "300",
    MAX_BODY_BYTES: "64",
    BODY_READ_TIMEOUT_MS: "300",
  });
  const lines: Record<string, unknown>[] = [];
  const logger = new Logger({
    service: "gateway",
    level: "info",
    write: (line) => lines.push(JSON.parse(line)),
  });
  const client = new UpstreamClient();
  const app = createServiceApp({
    logger,
    health: () => Promise.resolve(true),
    middleware: gatewayMiddleware(config),
    routes: (app) => mountGatewayRoutes(app, { config, verify, client }),
  });
  const direct = proxyFastPath({ config, verify, client, logger });
  let taken = 0;
  const server = await serveBounded({
    fetch: app.fetch,
    port: 0,
    hostname: "127.0.0.1",
    logger: new Logger({ service: "gateway", level: "error" }),
    headersTimeoutMs: 10_000,
    idleTimeoutMs: 60_000,
    direct: fast ? (req, res) => direct(req, res) && ++taken > 0 : undefined,
  });
  return {
    url: `http://127.0.0.1:${server.port}`,
    port: server.port,
    lines,
    taken: () => taken,
    async stop() {
      await server.shutdown();
      client.close();
    },
  };
}

/**
 * What a client sees of an answer: status and fields (but `Date`), and the body (with the
 * gateway's own address, which the upstream hears as `X-Forwarded-Host`, taken out).
 */
async function seen(response: Response, gateway: string) {
  const headers = [...response.headers].filter(([name]) => name !== "date");
  const body = (await response.text()).replaceAll(new URL(gateway).host, "gateway");
  return { status: response.status, headers, body };
}

/** Log lines without what differs from run to run (time, duration, a new trace id). */
function logged(lines: Record<string, unknown>[]) {
  return lines.map(({ time: _t, ms: _m, traceId: _i, ...rest }) => rest);
}

/** A request id and a trace, so that both gateways send the same ones. */
const ID = {
  "X-Request-Id": "req-1",
  traceparent: "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01",
};
const BEARER = { Authorization: `Bearer ${token}` };
const JSON_TYPE = { "Content-Type": "application/json" };
const BODY = '{"name":"A","email":"a@example.com"}';

/** Requests the fast path takes: every answer must be the general path's, byte for byte. */
const TAKEN: [string, RequestInit][] = [
  ["/api/patients?page=1&size=50", { headers: { ...ID, ...BEARER } }],
  ["/api/patients/", { headers: { ...ID, ...BEARER, "X-Forwarded-For": "203.0.113.9" } }],
  ["/api/patients/moved", { headers: { ...ID, ...BEARER } }],
  ["/api/patients/none", { headers: { ...ID, ...BEARER } }],
  ["/api/patients/text", { headers: { ...ID, ...BEARER } }],
  ["/api/patients/stream", { headers: { ...ID, ...BEARER } }],
  ["/api/patients/1", { method: "DELETE", headers: { ...ID, ...BEARER, Connection: "x-a" } }],
  ["/api/groups", { headers: { ...ID, ...BEARER, "Accept-Encoding": "gzip", Te: "trailers" } }],
  ["/api/patients", { headers: { ...ID } }],
  ["/api/patients", { headers: { ...ID, Authorization: "Basic eDp5" } }],
  ["/api/patients", { headers: { ...ID, Authorization: `Bearer ${token}x` } }],
  ["/api/patients", { headers: { ...ID, Authorization: `Bearer ${enrolment}` } }],
  ["/fhir/R4/Patient/slow", { headers: { ...ID, Authorization: `Bearer ${enrolment}` } }],
  ["/fhir/R4/metadata", { headers: { ...ID } }],
  ["/fhir/R4/Patient", { headers: { ...ID } }],
  ["/fhir/R4/Patient/missing", { headers: { ...ID, ...BEARER } }],
  ["/fhir/R4/Patient/slow", { headers: { ...ID, ...BEARER } }],
  ["/api/patients/slow", { headers: { ...ID, ...BEARER } }],
  ["/api/billing/invoices", { headers: { ...ID, ...BEARER } }],
  ["/auth/me", { headers: { ...ID, ...BEARER, "Content-Length": "0" } }],
  ["/api/patients", { method: "POST", headers: { ...ID, ...BEARER, ...JSON_TYPE }, body: BODY }],
  ["/api/patients/1", { method: "PUT", headers: { ...ID, ...BEARER, ...JSON_TYPE }, body: BODY }],
  ["/api/patients", { method: "POST", headers: { ...ID, ...JSON_TYPE }, body: BODY }],
  ["/fhir/R4/Patient", { method: "POST", headers: { ...ID, ...BEARER }, body: "{}" }],
  ["/fhir/R4/Patient", { method: "POST", headers: { ...ID }, body: "{}" }],
  ["/auth/login", { method: "POST", headers: { ...ID, ...JSON_TYPE }, body: BODY }],
  ["/api/patients", { method: "POST", headers: { ...ID, ...BEARER }, body: "x".repeat(64) }],
];

/** Requests left to the general path (dot segments, which `fetch` resolves, are in the fuzz test). */
const LEFT: [string, RequestInit][] = [
  ["/api/patients", { method: "POST", headers: { ...ID, ...BEARER }, body: "x".repeat(65) }],
  ["/api/patients", { method: "HEAD", headers: { ...ID, ...BEARER } }],
  ["/api/patients/%31", { headers: { ...ID, ...BEARER } }],
  ["/api//patients", { headers: { ...ID, ...BEARER } }],
  ["/auth/revocations", { headers: { ...ID } }],
  ["/api/nothing", { headers: { ...ID, ...BEARER } }],
  ["/health", { headers: { ...ID } }],
];

Deno.test("proxyFastPath() answers as the Hono app does, logs the same lines, leaves the rest to it", async () => {
  const upstream = startUpstream();
  const general = await startGateway(upstream.url, false);
  const fast = await startGateway(upstream.url, true);
  try {
    for (const [path, init] of [...TAKEN, ...LEFT]) {
      const expected = await seen(await fetch(`${general.url}${path}`, init), general.url);
      const actual = await seen(await fetch(`${fast.url}${path}`, init), fast.url);
      assert.deepEqual(actual, expected, `${init.method ?? "GET"} ${path}`);
    }
    assert.equal(fast.taken(), TAKEN.length, "every request of TAKEN, and none else, took it");
    assert.deepEqual(logged(fast.lines), logged(general.lines));
  } finally {
    await fast.stop();
    await general.stop();
    await upstream.stop();
  }
});

Deno.test("proxyFastPath() gives a request without an id a new one, and forwards it", async () => {
  const upstream = startUpstream();
  const fast = await startGateway(upstream.url, true);
  try {
    const response = await fetch(`${fast.url}/api/patients/1`, {
      headers: { ...BEARER, "X-Request-Id": "not an id!" },
    });
    const id = response.headers.get("x-request-id");
    assert.match(id ?? "", /^[0-9a-f-]{36}$/);
    const body = await response.json();
    assert.deepEqual(body.received.find(([name]: string[]) => name === "x-request-id"), [
      "x-request-id",
      id,
    ]);
    assert.match(body.trace, /^[0-9a-f]{32}$/);
    assert.equal(fast.taken(), 1);
  } finally {
    await fast.stop();
    await upstream.stop();
  }
});

/** Request heads as sent on the wire, which `fetch` would not send as they are. */
const RAW = [
  "GET /api/patients/1 HTTP/1.1\r\n",
  "GET /api/patients/1 HTTP/1.1\r\nHost: EXAMPLE.org\r\n",
  "GET /api/patients/1 HTTP/1.1\r\nHost: a b\r\n",
  "GET /api/patients/1 HTTP/1.1\r\nHost: x\r\nHost: y\r\n",
  "GET /api/patients?q='{}|^`%41 HTTP/1.1\r\nHost: h\r\n",
  "GET /api/patients?a\\b HTTP/1.1\r\nHost: h\r\n",
  "GET /api/patients? HTTP/1.1\r\nHost: h\r\n",
  "GET /api/patients/./1 HTTP/1.1\r\nHost: h\r\n",
  "GET /api/patients/%2e%2e/x HTTP/1.1\r\nHost: h\r\n",
  "GET /api/patients\\1 HTTP/1.1\r\nHost: h\r\n",
  "GET /api/patients/1#x HTTP/1.1\r\nHost: h\r\n",
  "GET http://h/api/patients/1 HTTP/1.1\r\nHost: h\r\n",
  "GET /api/patients/1 HTTP/1.1\r\nHost: h\r\nX-Forwarded-For: 10.0.0.1\r\nX-Forwarded-For: 10.0.0.2\r\n",
  "GET /api/patients/1 HTTP/1.1\r\nHost: h\r\nX-Request-Id: a\r\nX-Request-Id: b\r\n",
  "DELETE /api/patients/1 HTTP/1.1\r\nHost: h\r\nContent-Length: 0\r\n",
  "GET /api/patients/1 HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n",
  "TRACE /api/patients/1 HTTP/1.1\r\nHost: h\r\n",
  `GET /api/patients/1 HTTP/1.1\r\nHost: h\r\n${"X-A: 1\r\n".repeat(100)}`,
  "POST /api/patients HTTP/1.1\r\nHost: h\r\nContent-Length: 2\r\n",
  "POST /api/patients HTTP/1.1\r\nHost: h\r\nContent-Length: 00\r\n",
  "POST /api/patients HTTP/1.1\r\nHost: h\r\nContent-Length: 2\r\nContent-Length: 2\r\n",
  "POST /api/patients HTTP/1.1\r\nHost: h\r\nContent-Length: +2\r\n",
  "POST /api/patients HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n",
];

/** The bodies sent after a head of {@linkcode RAW}: `{}`, or a part of one that then stalls. */
function rawBody(head: string): string {
  if (head.includes("Transfer-Encoding")) return "0\r\n\r\n";
  if (head.includes("Content-Length: 2")) return "{}";
  return "";
}

/**
 * A raw answer's status line, fields (sorted, without `Date`) and body, the gateway's port and new
 * request ids out.
 */
function rawSeen(answer: string, port: number) {
  const text = answer.replace(
    /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/g,
    "id",
  );
  const end = text.indexOf("\r\n\r\n");
  const [status, ...fields] = text.slice(0, end).split("\r\n");
  const kept = fields.map((f) => f.toLowerCase()).filter((f) => !f.startsWith("date:")).sort();
  return { status, fields: kept, body: text.slice(end + 4).replaceAll(`:${port}`, ":gateway") };
}

Deno.test("proxyFastPath() answers requests fetch would not send as the Hono app does", async () => {
  const upstream = startUpstream();
  const general = await startGateway(upstream.url, false);
  const fast = await startGateway(upstream.url, true);
  try {
    for (const head of RAW) {
      // Each request with a trace, a token and (unless it has its own) a request id.
      const id = head.includes("X-Request-Id") ? "" : "X-Request-Id: raw\r\n";
      const body = rawBody(head);
      const wire =
        `${head}${id}traceparent: ${ID.traceparent}\r\nAuthorization: Bearer ${token}\r\n` +
        `Connection: close\r\n\r\n${body}`;
      const expected = await exchange(general.port, [[0, wire]]);
      const actual = await exchange(fast.port, [[0, wire]]);
      assert.deepEqual(
        rawSeen(actual.text, fast.port),
        rawSeen(expected.text, general.port),
        JSON.stringify(head),
      );
    }
    assert.equal(fast.taken(), 8, "plain requests only");
  } finally {
    await fast.stop();
    await general.stop();
    await upstream.stop();
  }
});

Deno.test("proxyFastPath() answers a stalled body 408 and logs an abandoned one as the Hono app does", async () => {
  const upstream = startUpstream();
  const general = await startGateway(upstream.url, false);
  const fast = await startGateway(upstream.url, true);
  const head = `POST /api/patients HTTP/1.1\r\nHost: h\r\nX-Request-Id: raw\r\n` +
    `traceparent: ${ID.traceparent}\r\nAuthorization: Bearer ${token}\r\nContent-Length: 10\r\n\r\n`;
  const abandon = async (port: number) => {
    const conn = await Deno.connect({ hostname: "127.0.0.1", port });
    await conn.write(new TextEncoder().encode(`${head}{"a"`));
    await new Promise((resolve) => setTimeout(resolve, 50));
    conn.close();
  };
  try {
    const expected = await exchange(general.port, [[0, `${head}{"a"`]]);
    const actual = await exchange(fast.port, [[0, `${head}{"a"`]]);
    assert.equal(expected.status, 408);
    assert.notEqual(actual.closedAfterMs, undefined, "the connection is closed");
    assert.deepEqual(rawSeen(actual.text, fast.port), rawSeen(expected.text, general.port));
    await abandon(general.port);
    await abandon(fast.port);
    await new Promise((resolve) => setTimeout(resolve, 200));
    assert.equal(fast.taken(), 2);
    assert.deepEqual(logged(fast.lines), logged(general.lines));
    assert.ok(fast.lines.some((l) => l.msg === "request body not received"), "logged");
  } finally {
    await fast.stop();
    await general.stop();
    await upstream.stop();
  }
});
