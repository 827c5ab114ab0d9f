import assert from "node:assert/strict";
import { Hono } from "hono";
import { type AppEnv, errorHandler } from "@pms/http";
import { silentLogger } from "@pms/testing";
import { isAmbiguousPath, pathGuard, rawPath, upstreamPath } from "./request_path.ts";

/** A request whose URL keeps its raw path, as `Deno.serve` hands it over (`new Request` would resolve `..`). */
function rawRequest(url: string): Request {
  const request = new Request("http://gw.test/");
  Object.defineProperty(request, "url", { value: url });
  return request;
}

Deno.test("rawPath() keeps dot segments and encoding, and drops the query", () => {
  assert.equal(
    rawPath("http://gw:4004/api/patients/../../auth/x?a=/b"),
    "/api/patients/../../auth/x",
  );
  assert.equal(rawPath("http://gw:4004/api/%2e%2e/health"), "/api/%2e%2e/health");
  assert.equal(rawPath("http://gw:4004"), "/");
  assert.equal(rawPath("http://gw:4004/?q=1"), "/");
});

Deno.test("isAmbiguousPath() refuses dot segments however they are encoded, and backslashes", () => {
  for (
    const path of [
      "/api/patients/../../auth/validate",
      "/api/patients/./x",
      "/api/%2e%2e/health",
      "/api/patients/%2E%2E/%2e%2e/health",
      "/api/patients/%252e%252e/%252e%252e/health",
      "/api/patients/%25252e%25252e/health",
      "/api/patients/..%2f..%2fhealth",
      "/api/patients/..%252f..%252fhealth",
      "/api/patients/..\\..\\health",
      "/api/patients/%5c..%5chealth",
      "/api/patients/%00",
      "/api/patients/%zz",
      "/auth/..",
    ]
  ) {
    assert.equal(isAmbiguousPath(path), true, path);
  }
  for (
    const path of [
      "/api/patients",
      "/api/patients/123e4567-e89b-12d3-a456-426614174000",
      "/api/patients/a..b",
      "/api/patients/...",
      "/auth/.well-known/jwks.json",
      "/api/patients/Zo%C3%AB",
    ]
  ) {
    assert.equal(isAmbiguousPath(path), false, path);
  }
});

Deno.test("upstreamPath() strips the prefix as sent, and refuses a prefix spelled otherwise", () => {
  assert.equal(upstreamPath("http://gw/api/patients/1?x=1", "/api"), "/patients/1");
  assert.equal(upstreamPath("http://gw/auth", "/auth"), "/");
  assert.equal(upstreamPath("http://gw/auth/login", "/auth"), "/login");
  // The router matched the decoded "/auth/@127.0.0.1:9/x"; the raw path must not reach the URL.
  assert.throws(() => upstreamPath("http://gw/%61uth/@127.0.0.1:9/x", "/auth"), /Invalid/);
  assert.throws(() => upstreamPath("http://gw/authx", "/auth"), /Invalid/);
});

Deno.test("pathGuard() answers 400 JSON before any route runs (404 under the asset folders)", async () => {
  let reached = 0;
  const app = new Hono<AppEnv>()
    .use(pathGuard())
    .all("/*", (c) => {
      reached++;
      return c.json({ ok: true });
    })
    .onError(errorHandler({ logger: silentLogger() }));
  for (
    const url of [
      "http://gw/auth/../abcd@127.0.0.1:9/health",
      "http://gw/auth/%2e%2e/abcd@127.0.0.1:9/health",
      "http://gw/api/patients/..%2f..%2fhealth",
    ]
  ) {
    const res = await app.fetch(rawRequest(url));
    assert.equal(res.status, 400, url);
    assert.deepEqual(await res.json(), { message: "Invalid request path" });
  }
  for (
    const url of [
      "http://gw/docs/assets/..%2F..%2Fdeno.json",
      "http://gw/docs/assets/%00",
      "http://gw/app/assets/x%0d%0a",
    ]
  ) {
    const res = await app.fetch(rawRequest(url));
    assert.equal(res.status, 404, url);
    assert.deepEqual(await res.json(), { message: "Not found" });
  }
  assert.equal(reached, 0);
  const ok = await app.fetch(rawRequest("http://gw/api/patients?search=../x"));
  assert.equal(ok.status, 200);
  await ok.body?.cancel();
});
