import assert from "node:assert/strict";
import { Hono } from "hono";
import type { AppEnv } from "@pms/http";
import { securityHeaders } from "./security_headers.ts";
import { API_SECURITY_HEADERS } from "./api_security_headers.ts";

const app = new Hono<AppEnv>().use(securityHeaders())
  .get("/api/patients", (c) => c.json([]))
  .get("/docs", (c) => c.html("<html></html>"))
  .get("/docs/assets/:file", (c) => c.body("x"))
  .get("/docsx", (c) => c.json({}));

/** The headers a JSON answer must carry, per the OWASP REST Security Cheat Sheet. */
const API = {
  "content-security-policy": "default-src 'none'; frame-ancestors 'none'",
  "x-frame-options": "DENY",
  "x-content-type-options": "nosniff",
  "strict-transport-security": "max-age=15552000; includeSubDomains",
  "cross-origin-resource-policy": "same-origin",
};
/** Headers that only steer a rendered page or an obsolete browser. */
const DOCUMENT_ONLY = [
  "referrer-policy",
  "cross-origin-opener-policy",
  "origin-agent-cluster",
  "x-dns-prefetch-control",
  "x-download-options",
  "x-permitted-cross-domain-policies",
  "x-xss-protection",
];

Deno.test("securityHeaders() gives a JSON answer the API set and nothing a page needs", async () => {
  for (const path of ["/api/patients", "/docsx", "/no-such-path"]) {
    const res = await app.request(path);
    await res.body?.cancel();
    for (const [name, value] of Object.entries(API)) {
      assert.equal(res.headers.get(name), value, `${path}: ${name}`);
    }
    for (const name of DOCUMENT_ONLY) assert.equal(res.headers.get(name), null, `${path}: ${name}`);
  }
});

Deno.test("securityHeaders() gives the docs page and its assets the whole set and their policy", async () => {
  for (const path of ["/docs", "/docs/assets/init.js"]) {
    const res = await app.request(path);
    await res.body?.cancel();
    assert.equal(
      res.headers.get("content-security-policy"),
      "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'",
      path,
    );
    assert.equal(res.headers.get("x-frame-options"), "SAMEORIGIN", path);
    assert.equal(res.headers.get("x-content-type-options"), "nosniff", path);
    for (const name of DOCUMENT_ONLY) {
      assert.notEqual(res.headers.get(name), null, `${path}: ${name}`);
    }
  }
});

Deno.test("API_SECURITY_HEADERS is the set securityHeaders() gives a JSON answer", async () => {
  const res = await app.request("/api/patients");
  await res.body?.cancel();
  const set = [...res.headers].filter(([name]) =>
    name !== "content-type" && name !== "content-length"
  );
  assert.deepEqual(set, API_SECURITY_HEADERS.map(([name, value]) => [name, value]));
  assert.deepEqual(Object.fromEntries(API_SECURITY_HEADERS), API);
});
