import assert from "node:assert/strict";
import type { SmartRouter } from "hono/router/smart-router";
import { exportJWK, generateKeyPair, SignJWT } from "jose";
import { createTokenVerifier } from "@pms/jwt";
import { REFUSED_ADDRESS, testServiceApp } from "@pms/testing";
import { fhirProblems } from "@pms/testing/fhir";
import { gatewayMiddleware, mountGatewayRoutes } from "./app.ts";
import { loadGatewayConfig } from "./config.ts";
import { UpstreamClient } from "./proxy/upstream_client.ts";

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
const bearer = { Authorization: `Bearer ${token}` };
/** The gateway's upstream client, shared by the tests; each upstream's stop closes its sockets. */
const client = new UpstreamClient();

/** A real HTTP upstream that echoes what it received. */
function startEcho() {
  const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen() {} }, async (req) => {
    const url = new URL(req.url);
    if (url.pathname.endsWith("/slow")) await new Promise((r) => setTimeout(r, 1_000));
    if (req.method === "POST" && url.pathname === "/patients") {
      return Response.json({ id: "1" }, { status: 201, headers: { Location: "/patients/1" } });
    }
    return Response.json({
      method: req.method,
      path: url.pathname,
      search: url.search,
      requestId: req.headers.get("x-request-id"),
      traceparent: req.headers.get("traceparent"),
      prefix: req.headers.get("x-forwarded-prefix"),
      authorization: req.headers.get("authorization"),
      body: req.body ? await req.text() : null,
    });
  });
  return {
    url: `http://127.0.0.1:${server.addr.port}`,
    stop: () => {
      client.close();
      return server.shutdown();
    },
  };
}

function makeApp(upstream: string, env: Record<string, string> = {}) {
  const config = loadGatewayConfig({
    AUTH_URL: upstream,
    PATIENT_URL: upstream,
    BILLING_URL: upstream,
    ANALYTICS_URL: upstream,
    NOTIFICATION_URL: upstream,
    UPSTREAM_TIMEOUT_MS: "300",
    MAX_BODY_BYTES: "1024",
    ...env,
  });
  return testServiceApp((app) => mountGatewayRoutes(app, { config, verify, client }), {
    middleware: gatewayMiddleware(config),
  });
}

Deno.test("the gateway app routes /api/patients to the patient service with /api stripped", async () => {
  const echo = startEcho();
  try {
    const app = makeApp(echo.url);
    const res = await app.request("/api/patients/abc?page=1", {
      headers: { ...bearer, "X-Request-Id": "req-1" },
    });
    assert.equal(res.status, 200);
    assert.equal(res.headers.get("X-Request-Id"), "req-1");
    const seen = await res.json();
    assert.equal(seen.path, "/patients/abc");
    assert.equal(seen.search, "?page=1");
    assert.equal(seen.requestId, "req-1");
    assert.equal(seen.prefix, "/api");
    assert.match(seen.traceparent, /^00-[0-9a-f]{32}-[0-9a-f]{16}-01$/);
    assert.equal(seen.authorization, `Bearer ${token}`);
    for (
      const path of ["/api/billing/accounts/x", "/api/analytics/summary", "/api/notifications"]
    ) {
      const r = await app.request(path, { headers: bearer });
      assert.equal((await r.json()).path, path.slice(4));
    }
  } finally {
    await echo.stop();
  }
});

Deno.test("the gateway app requires a valid token under /api and not under /auth", async () => {
  const echo = startEcho();
  try {
    const app = makeApp(echo.url);
    for (const path of ["/api/patients", "/api/billing/accounts/1", "/api/unknown"]) {
      const res = await app.request(path);
      assert.equal(res.status, 401, path);
      assert.ok((await res.json()).message);
    }
    const bad = await app.request("/api/patients", { headers: { Authorization: "Bearer x.y.z" } });
    assert.equal(bad.status, 401);
    await bad.body?.cancel();
    const login = await app.request("/auth/login", { method: "POST", body: "{}" });
    assert.equal(login.status, 200);
    const seen = await login.json();
    assert.equal(seen.path, "/login");
    assert.equal(seen.body, "{}");
    assert.equal(seen.prefix, "/auth");
  } finally {
    await echo.stop();
  }
});

Deno.test("the gateway app never forwards auth's internal revocation list, however spelled", async () => {
  const echo = startEcho();
  try {
    const app = makeApp(echo.url);
    for (
      const path of [
        "/auth/revocations",
        "/auth/revocations?since=0",
        "/auth/revocations/",
        "/auth//revocations",
        "/auth/%72evocations",
        "/auth/revocations/x",
      ]
    ) {
      const res = await app.request(path);
      assert.equal(res.status, 404, path);
      assert.deepEqual(await res.json(), { message: "Not found" }, path);
    }
    const near = await app.request("/auth/revocationsx");
    assert.equal((await near.json()).path, "/revocationsx", "only the path and below it");
  } finally {
    await echo.stop();
  }
});

Deno.test("the gateway app re-prefixes a relative Location from upstream", async () => {
  const echo = startEcho();
  try {
    const res = await makeApp(echo.url).request("/api/patients", {
      method: "POST",
      headers: { ...bearer, "Content-Type": "application/json" },
      body: "{}",
    });
    assert.equal(res.status, 201);
    assert.equal(res.headers.get("Location"), "/api/patients/1");
    await res.body?.cancel();
  } finally {
    await echo.stop();
  }
});

Deno.test("the gateway app answers 503 JSON when an upstream is down and 504 when it is slow", async () => {
  const down = await makeApp(`http://${REFUSED_ADDRESS}`).request("/api/patients", {
    headers: bearer,
  });
  assert.equal(down.status, 503);
  assert.match((await down.json()).message, /patient service is unavailable/);
  const echo = startEcho();
  try {
    const started = Date.now();
    const slow = await makeApp(echo.url).request("/api/patients/slow", { headers: bearer });
    assert.equal(slow.status, 504);
    assert.ok(Date.now() - started < 900);
    assert.match((await slow.json()).message, /did not answer in time/);
  } finally {
    await echo.stop();
  }
});

Deno.test("the gateway app refuses bodies over the limit with 413", async () => {
  const echo = startEcho();
  try {
    const res = await makeApp(echo.url).request("/api/patients", {
      method: "POST",
      headers: { ...bearer, "Content-Type": "application/json" },
      body: JSON.stringify({ name: "x".repeat(5000) }),
    });
    assert.equal(res.status, 413);
    assert.ok((await res.json()).message);
  } finally {
    await echo.stop();
  }
});

Deno.test("the gateway app serves health, docs and the api documents", async () => {
  const echo = startEcho();
  try {
    const app = makeApp(echo.url);
    const health = await app.request("/health");
    assert.deepEqual(await health.json(), { status: "UP" });
    assert.equal(
      health.headers.get("content-security-policy"),
      "default-src 'none'; frame-ancestors 'none'",
    );
    assert.equal(health.headers.get("x-xss-protection"), null);
    const docs = await app.request("/docs");
    assert.equal(docs.status, 200);
    assert.equal(
      docs.headers.get("content-security-policy"),
      "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'",
    );
    assert.match(await docs.text(), /swagger-ui-bundle\.js/);
    const bundle = await app.request("/docs/assets/swagger-ui-bundle.js");
    assert.equal(bundle.status, 200);
    assert.ok((await bundle.arrayBuffer()).byteLength > 100_000);
    const missing = await app.request("/docs/assets/swagger-ui.css.map");
    assert.equal(missing.status, 404);
    await missing.body?.cancel();
    // A traversal is refused as the name of no asset.
    const traversal = await app.request("/docs/assets/..%2f..%2fetc%2fpasswd");
    assert.equal(traversal.status, 404);
    await traversal.body?.cancel();
    const apiDocs = await app.request("/api-docs/patients");
    assert.equal((await apiDocs.json()).path, "/v3/api-docs");
    const nothing = await app.request("/nothing");
    assert.equal(nothing.status, 404);
    assert.deepEqual(await nothing.json(), { message: "Not found" });
  } finally {
    await echo.stop();
  }
});

Deno.test("the gateway app answers 404 to a /docs/assets name that is no asset, Object's own names too", async () => {
  const echo = startEcho();
  try {
    const app = makeApp(echo.url);
    for (
      const name of ["constructor", "toString", "hasOwnProperty", "__proto__", "valueOf", "x.js"]
    ) {
      const res = await app.request(`/docs/assets/${name}`);
      assert.equal(res.status, 404, name);
      assert.deepEqual(await res.json(), { message: "Not found" }, name);
    }
  } finally {
    await echo.stop();
  }
});

Deno.test("the gateway app serves the console at /app under a strict CSP, no token needed", async () => {
  const echo = startEcho();
  try {
    const app = makeApp(echo.url);
    const strict = (res: Response) => {
      const csp = res.headers.get("Content-Security-Policy") ?? "";
      assert.match(csp, /script-src 'self'/);
      assert.doesNotMatch(csp, /unsafe-inline|unsafe-eval/);
    };
    const page = await app.request("/app");
    assert.equal(page.status, 200);
    assert.match(page.headers.get("Content-Type") ?? "", /^text\/html/);
    strict(page);
    assert.match(await page.text(), /<script type="module" src="\/app\/assets\/app\.js">/);
    // A trailing slash leads to the page.
    const slash = await app.request("/app/");
    assert.equal(slash.status, 301);
    assert.equal(slash.headers.get("Location"), "/app");
    const script = await app.request("/app/assets/app.js");
    assert.equal(script.status, 200);
    assert.match(script.headers.get("Content-Type") ?? "", /^text\/javascript/);
    strict(script);
    await script.body?.cancel();
    for (const name of ["nope.js", "constructor", "index.html"]) {
      const res = await app.request(`/app/assets/${name}`);
      assert.equal(res.status, 404, name);
      assert.deepEqual(await res.json(), { message: "Not found" }, name);
    }
  } finally {
    await echo.stop();
  }
});

Deno.test("the gateway app refuses a request line over 8 KiB with 414 and over 100 header fields with 431", async () => {
  const echo = startEcho();
  try {
    const app = makeApp(echo.url);
    // "GET " + target + " HTTP/1.1" is the request line: 8,192 bytes pass, one more does not.
    const target = (length: number) => `/auth/${"a".repeat(length - "/auth/".length)}`;
    const fits = await app.request(target(8_192 - 13));
    assert.equal(fits.status, 200);
    await fits.body?.cancel();
    for (const path of [target(8_192 - 12), `/auth/x?q=${"b".repeat(9_000)}`]) {
      const res = await app.request(path);
      assert.equal(res.status, 414);
      assert.deepEqual(await res.json(), { message: "URI too long" });
    }
    const fhir = await app.request(`/fhir/R4/Patient?name=${"b".repeat(9_000)}`);
    assert.equal(fhir.status, 414);
    assert.match(fhir.headers.get("content-type") ?? "", /^application\/fhir\+json\b/);
    assert.deepEqual(await fhir.json(), {
      resourceType: "OperationOutcome",
      issue: [{ severity: "error", code: "too-long", diagnostics: "URI too long" }],
    });
    const fields = (n: number) =>
      Object.fromEntries(Array.from({ length: n }, (_, i) => [`x-filler-${i}`, String(i)]));
    const hundred = await app.request("/auth/login", { headers: fields(100) });
    assert.equal(hundred.status, 200);
    await hundred.body?.cancel();
    const tooMany = await app.request("/auth/login", { headers: fields(101) });
    assert.equal(tooMany.status, 431);
    assert.equal(typeof (await tooMany.json()).message, "string");
  } finally {
    await echo.stop();
  }
});

Deno.test("loadGatewayConfig() names a bad variable", () => {
  assert.throws(() => loadGatewayConfig({ PATIENT_URL: "not a url" }), /PATIENT_URL/);
  assert.throws(() => loadGatewayConfig({ UPSTREAM_TIMEOUT_MS: "-1" }), /UPSTREAM_TIMEOUT_MS/);
});

/** Serves the gateway app on a free port and sends one raw HTTP/1.1 request line to it. */
async function rawCall(app: ReturnType<typeof makeApp>, requestLine: string, headers = bearer) {
  const server = Deno.serve(
    { hostname: "127.0.0.1", port: 0, onListen() {} },
    (req, info) => app.fetch(req, info),
  );
  try {
    const conn = await Deno.connect({ hostname: "127.0.0.1", port: server.addr.port });
    const head = Object.entries({ Host: "gw", Connection: "close", ...headers })
      .map(([k, v]) => `${k}: ${v}\r\n`).join("");
    await conn.write(new TextEncoder().encode(`${requestLine}\r\n${head}\r\n`));
    const text = new TextDecoder().decode(await new Response(conn.readable).arrayBuffer());
    return {
      status: Number(text.slice(9, 12)),
      body: text.slice(text.indexOf("\r\n\r\n") + 4),
    };
  } finally {
    await server.shutdown();
  }
}

Deno.test("the gateway app answers 405 to TRACE and CONNECT-like methods instead of a 502", async () => {
  const echo = startEcho();
  try {
    const app = makeApp(echo.url);
    for (const method of ["TRACE", "TRACK"]) {
      const res = await rawCall(app, `${method} /api/patients HTTP/1.1`);
      assert.equal(res.status, 405, method);
      assert.match(res.body, /"message":"Method not allowed"/);
    }
  } finally {
    await echo.stop();
  }
});

Deno.test("the gateway app refuses a path that climbs out of its prefix, as sent on the wire", async () => {
  const echo = startEcho();
  try {
    const app = makeApp(echo.url);
    for (
      const path of ["/auth/../abcd@127.0.0.1:9/x", "/api/patients/%2e%2e/%2e%2e/health"]
    ) {
      const res = await rawCall(app, `GET ${path} HTTP/1.1`);
      assert.equal(res.status, 400, path);
      assert.match(res.body, /"message":"Invalid request path"/);
    }
  } finally {
    await echo.stop();
  }
});

const FHIR_JSON_TYPE = /^application\/fhir\+json/;

/** The one issue of an OperationOutcome answer, checked to be one. */
async function outcomeOf(res: Response) {
  assert.match(res.headers.get("Content-Type") ?? "", FHIR_JSON_TYPE);
  const body = await res.json();
  assert.equal(body.resourceType, "OperationOutcome");
  assert.deepEqual(fhirProblems(body), []);
  assert.equal(body.issue.length, 1);
  return body.issue[0];
}

Deno.test("the gateway app routes /fhir/R4 to the patient service unchanged; only metadata is public", async () => {
  const echo = startEcho();
  try {
    const app = makeApp(echo.url);
    const metadata = await app.request("/fhir/R4/metadata?_format=json");
    assert.equal(metadata.status, 200);
    const seen = await metadata.json();
    assert.equal(seen.path, "/fhir/R4/metadata");
    assert.equal(seen.search, "?_format=json");
    assert.equal(seen.authorization, null);
    const read = await app.request("/fhir/R4/Patient/1", { headers: bearer });
    assert.equal((await read.json()).path, "/fhir/R4/Patient/1");
    for (
      const path of [
        "/fhir/R4/Patient",
        "/fhir/R4/metadata/x",
        "/fhir/R4/metadata/",
        "/fhir/R4/%6detadata",
        "/fhir/R4",
      ]
    ) {
      const res = await app.request(path);
      assert.equal(res.status, 401, path);
      assert.deepEqual(await outcomeOf(res), {
        severity: "error",
        code: "login",
        diagnostics: "Missing or malformed bearer token",
      });
    }
    const forged = await app.request("/fhir/R4/Patient", {
      headers: { Authorization: "Bearer x.y.z" },
    });
    assert.equal(forged.status, 401);
    assert.equal((await outcomeOf(forged)).code, "login");
    // Elsewhere the gateway's errors stay {"message"} JSON.
    const rest = await app.request("/api/patients");
    assert.equal(rest.status, 401);
    assert.equal(rest.headers.get("Content-Type"), "application/json");
    assert.ok((await rest.json()).message);
  } finally {
    await echo.stop();
  }
});

Deno.test("the gateway app answers its own errors on /fhir/R4 as OperationOutcomes", async () => {
  const down = await makeApp(`http://${REFUSED_ADDRESS}`).request("/fhir/R4/Patient", {
    headers: bearer,
  });
  assert.equal(down.status, 503);
  assert.equal(down.headers.get("Retry-After"), "1");
  assert.deepEqual(await outcomeOf(down), {
    severity: "error",
    code: "exception",
    diagnostics: "The patient service is unavailable",
  });
  const echo = startEcho();
  try {
    const app = makeApp(echo.url);
    const slow = await app.request("/fhir/R4/Patient/slow", { headers: bearer });
    assert.equal(slow.status, 504);
    assert.equal((await outcomeOf(slow)).code, "exception");
    const large = await app.request("/fhir/R4/Patient", {
      method: "POST",
      headers: { ...bearer, "Content-Type": "application/fhir+json" },
      body: JSON.stringify({ resourceType: "Patient", text: "x".repeat(5000) }),
    });
    assert.equal(large.status, 413);
    assert.equal((await outcomeOf(large)).code, "too-long");
    const climbing = await rawCall(app, "GET /fhir/R4/Patient/%2e%2e/%2e%2e/health HTTP/1.1");
    assert.equal(climbing.status, 400);
    assert.deepEqual(fhirProblems(JSON.parse(climbing.body)), []);
    assert.match(climbing.body, /"code":"invalid"/);
    // The upstream's own answers pass as they are.
    const passed = await app.request("/fhir/R4/Patient/1", { headers: bearer });
    assert.equal(passed.headers.get("Content-Type"), "application/json");
    await passed.body?.cancel();
  } finally {
    await echo.stop();
  }
});

Deno.test("the gateway app serves a route's own document and lists it on the docs page", async () => {
  const echo = startEcho();
  try {
    const app = makeApp(echo.url);
    const fhirDocs = await app.request("/api-docs/fhir");
    assert.equal((await fhirDocs.json()).path, "/v3/api-docs/fhir");
    const init = await (await app.request("/docs/assets/init.js")).text();
    assert.match(init, /"url":"\/api-docs\/fhir","name":"Patient Service FHIR R4"/);
    assert.match(init, /"url":"\/api-docs\/patients","name":"Patient Service"/);
  } finally {
    await echo.stop();
  }
});

Deno.test("the gateway app's routes fit Hono's RegExpRouter (no fallback to the TrieRouter)", async () => {
  const app = makeApp(`http://${REFUSED_ADDRESS}`);
  await (await app.request("/health")).body?.cancel();
  const router = app.router as SmartRouter<unknown>;
  assert.equal(router.activeRouter.name, "RegExpRouter");
});

Deno.test("the gateway app refuses an MFA-enrolment-only token with 403 before any upstream", async () => {
  const echo = startEcho();
  try {
    const app = makeApp(echo.url);
    const enrolOnly = await new SignJWT({
      role: "ADMIN",
      uid: crypto.randomUUID(),
      sid: "s",
      amr: ["pwd"],
      mfa_enroll: true,
    }).setProtectedHeader({ alg: "EdDSA", kid: "k1" }).setSubject("testuser@test.com")
      .setIssuer("patient-management-auth").setAudience("patient-management")
      .setIssuedAt().setExpirationTime("5m").sign(privateKey);
    const headers = { Authorization: `Bearer ${enrolOnly}` };
    for (const path of ["/api/patients", "/api/billing/accounts/1", "/fhir/R4/Patient"]) {
      const res = await app.request(path, { headers });
      assert.equal(res.status, 403, path);
      const body = await res.json();
      assert.ok(
        body.message === "MFA enrollment required" ||
          body.issue?.[0]?.diagnostics === "MFA enrollment required",
        JSON.stringify(body),
      );
    }
    // Auth's own paths are not checked here: auth decides (it lets enrolment through).
    const me = await app.request("/auth/me", { headers });
    assert.equal(me.status, 200);
    await me.body?.cancel();
    const full = await app.request("/api/patients", { headers: bearer });
    assert.equal(full.status, 200);
    await full.body?.cancel();
  } finally {
    await echo.stop();
  }
});
