/**
 * The abuse suite: forged and doctored tokens, direct calls to the back services, path tricks
 * through the gateway, oversized headers and a login flood, each against the real processes
 * (through the gateway and straight at each back service). Auth signs with a key this test made,
 * so it can also sign tokens that are valid in every way but one.
 */
import assert from "node:assert/strict";
import {
  exportJWK,
  exportPKCS8,
  exportSPKI,
  generateKeyPair,
  type JWK,
  type JWTPayload,
  SignJWT,
} from "jose";
import { eventually, type Harness, newPatient, startHarness } from "./_system.ts";
import { adminToken, AUDIENCE, b64url, decodePart, fromB64url, ISSUER } from "./_jwt.ts";
import { oversizedHeaders, rawAnswerWhileOpen, rawGet, rawRequest } from "./_raw_http.ts";

const JOHN = "123e4567-e89b-12d3-a456-426614174000";

/** An HTTP server that counts the requests it gets: a path or a `jku` that reaches it is a leak. */
function startCanary(body: unknown = { canary: true }) {
  let hits = 0;
  const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen() {} }, () => {
    hits++;
    return Response.json(body);
  });
  return {
    url: `http://127.0.0.1:${server.addr.port}`,
    port: server.addr.port,
    hits: () => hits,
    stop: () => server.shutdown(),
  };
}

Deno.test("security: tokens, direct calls, paths, headers and login floods", async (t) => {
  const authKey = await generateKeyPair("EdDSA", { extractable: true });
  const attacker = await generateKeyPair("EdDSA", { extractable: true });
  const attackerJwk: JWK = { ...(await exportJWK(attacker.publicKey)), alg: "EdDSA", use: "sig" };
  const h: Harness = await startHarness({
    services: ["auth", "patient", "billing", "analytics", "notification", "audit", "gateway"],
    env: {
      auth: { JWT_PRIVATE_KEY: await exportPKCS8(authKey.privateKey) },
      gateway: { BODY_READ_TIMEOUT_MS: "1000" },
    },
  });
  const { urls } = h.system;
  const canary = startCanary({ keys: [{ ...attackerJwk, kid: "attacker" }] });
  try {
    const jwks = await (await h.call("/auth/.well-known/jwks.json")).json();
    const authJwk: JWK = jwks.keys[0];
    const kid = authJwk.kid!;
    const now = () => Math.floor(Date.now() / 1000);
    // A real session of the seeded admin: tokens made below carry its user and session ids, as
    // auth's own do (auth refuses tokens of sessions that do not exist or have ended).
    const session = decodePart((await h.login()).split(".")[1]!);

    /** A token exactly as auth issues it, with `claims` and `header` overriding its parts. */
    const sign = (
      claims: JWTPayload = {},
      header: Record<string, unknown> = {},
      key: CryptoKey = authKey.privateKey,
    ) =>
      new SignJWT({
        role: "ADMIN",
        uid: session.uid,
        sid: session.sid,
        sub: "testuser@test.com",
        iss: ISSUER,
        aud: AUDIENCE,
        iat: now(),
        exp: now() + 300,
        ...claims,
      }).setProtectedHeader({ alg: "EdDSA", kid, typ: "JWT", ...header } as { alg: string })
        .sign(key);

    /** Where a token is checked: the gateway (and auth's /validate behind it) and every back service. */
    const guarded: [string, string][] = [
      ["gateway → patient", `${h.gateway}/api/patients?size=1`],
      ["gateway → auth /validate", `${h.gateway}/auth/validate`],
      ["gateway → analytics", `${h.gateway}/api/analytics/summary`],
      ["patient", `${urls.patient}/patients?size=1`],
      ["billing", `${urls.billing}/billing/accounts/${crypto.randomUUID()}`],
      ["analytics", `${urls.analytics}/analytics/summary`],
      ["notification", `${urls.notification}/notifications?patientId=${JOHN}`],
      ["audit", `${urls.audit}/audit?size=1`],
      ["gateway → audit", `${h.gateway}/api/audit/verify`],
    ];

    /** Every guarded endpoint answers 401 JSON to this Authorization header (none: no header). */
    const refusedEverywhere = async (authorization: string | undefined, what: string) => {
      for (const [name, url] of guarded) {
        const res = await fetch(url, {
          headers: authorization === undefined ? {} : { Authorization: authorization },
        });
        const text = await res.text();
        assert.equal(res.status, 401, `${what} at ${name}: ${res.status} ${text}`);
        assert.match(res.headers.get("Content-Type") ?? "", /application\/json/, name);
        assert.equal(typeof JSON.parse(text).message, "string", name);
      }
    };
    const refused = (token: string, what: string) => refusedEverywhere(`Bearer ${token}`, what);

    await t.step("baseline: a token signed with auth's key passes everywhere", async () => {
      const tokens = [await h.login(), await sign()];
      for (const token of tokens) {
        for (const [name, url] of guarded) {
          const res = await fetch(url, { headers: { Authorization: `Bearer ${token}` } });
          await res.body?.cancel();
          // billing has no account for a random id: 404 means the token was accepted.
          assert.equal(res.status, name === "billing" ? 404 : 200, name);
        }
      }
    });

    await t.step(
      "tampered payload (role, subject, expiry) with the signature kept → 401",
      async () => {
        const token = await sign({ role: "USER" });
        const [header, payload, signature] = token.split(".") as [string, string, string];
        const claims = decodePart(payload);
        for (
          const change of [
            { role: "ADMIN" },
            { sub: "someone.else@test.com" },
            { exp: now() + 86_400 * 365 },
          ]
        ) {
          const doctored = `${header}.${
            b64url(JSON.stringify({ ...claims, ...change }))
          }.${signature}`;
          await refused(doctored, `tampered ${JSON.stringify(change)}`);
        }
        // One flipped bit of the signature.
        const bytes = fromB64url(signature);
        bytes[0]! ^= 1;
        await refused(`${header}.${payload}.${b64url(bytes)}`, "flipped signature bit");
      },
    );

    await t.step("expired token → 401", async () => {
      await refused(await sign({ iat: now() - 3600, exp: now() - 60 }), "expired a minute ago");
      await refused(await sign({ iat: now() - 3600, exp: now() - 3000 }), "expired long ago");
    });

    await t.step("future-dated token (nbf or iat in the future) → 401", async () => {
      await refused(await sign({ nbf: now() + 600, exp: now() + 900 }), "nbf in ten minutes");
      await refused(await sign({ iat: now() + 600, exp: now() + 900 }), "iat in ten minutes");
      await refused(
        await sign({ iat: now() + 86_400, nbf: now() + 86_400, exp: now() + 90_000 }),
        "iat and nbf tomorrow",
      );
    });

    await t.step("wrong audience or issuer → 401", async () => {
      await refused(await sign({ aud: "another-api" }), "wrong aud");
      await refused(await sign({ aud: ["another-api", "yet-another"] }), "wrong aud list");
      await refused(await sign({ iss: "https://evil.example" }), "wrong iss");
      const { aud: _, ...noAudience } = decodePart((await sign()).split(".")[1]!);
      await refused(
        await new SignJWT(noAudience).setProtectedHeader({ alg: "EdDSA", kid }).sign(
          authKey.privateKey,
        ),
        "no aud",
      );
    });

    await t.step("alg confusion: HS256 signed with auth's published public key → 401", async () => {
      const secrets: [string, Uint8Array][] = [
        ["raw key bytes", fromB64url(authJwk.x!)],
        ["JWK JSON", new TextEncoder().encode(JSON.stringify(authJwk))],
        ["SPKI PEM", new TextEncoder().encode(await exportSPKI(authKey.publicKey))],
        ["x as text", new TextEncoder().encode(authJwk.x!)],
      ];
      for (const [what, secret] of secrets) {
        for (const alg of ["HS256", "HS512"]) {
          const forged = await adminToken(
            secret,
            { alg, kid, typ: "JWT" },
            "attacker@evil.example",
          );
          await refused(forged, `${alg} with ${what}`);
        }
      }
    });

    await t.step(
      "alg confusion: alg none (any spelling, with or without a signature) → 401",
      async () => {
        const real = await sign();
        const [, payload, signature] = real.split(".") as [string, string, string];
        for (const alg of ["none", "None", "NONE", "nOnE"]) {
          const header = b64url(JSON.stringify({ alg, typ: "JWT", kid }));
          await refused(`${header}.${payload}.`, `alg ${alg}, empty signature`);
          await refused(`${header}.${payload}.${signature}`, `alg ${alg}, real signature`);
        }
        await refused(`${b64url(JSON.stringify({ typ: "JWT", kid }))}.${payload}.`, "no alg");
      },
    );

    await t.step(
      "role escalation with an attacker's own key (kid, jku, embedded jwk) → 401",
      async () => {
        const attackerHeaders: [string, Record<string, unknown>][] = [
          ["auth's kid", { kid }],
          ["own kid", { kid: "attacker" }],
          ["jku to the attacker's key set", { kid: "attacker", jku: `${canary.url}/jwks.json` }],
          ["jku with auth's kid", { kid, jku: `${canary.url}/jwks.json` }],
          ["embedded jwk", { kid: "attacker", jwk: attackerJwk }],
          ["embedded jwk, no kid", { kid: undefined, jwk: attackerJwk }],
          ["x5u", { kid: "attacker", x5u: `${canary.url}/cert.pem` }],
          ["kid path", { kid: "../../../../../../dev/null" }],
        ];
        for (const [what, header] of attackerHeaders) {
          const forged = await sign(
            { role: "ADMIN", sub: "attacker@evil.example" },
            header,
            attacker.privateKey,
          );
          await refused(forged, what);
        }
        assert.equal(canary.hits(), 0, "a service fetched a key from a URL in a token header");
      },
    );

    await t.step(
      "refresh and access tokens are not interchangeable; a disabled user's session ends",
      async () => {
        const login = async (email: string, password: string) => {
          const res = await h.call("/auth/login", { method: "POST", body: { email, password } });
          assert.equal(res.status, 200, email);
          return await res.json() as { token: string; refreshToken: string };
        };
        const admin = await login("testuser@test.com", "password123");
        const asAccess = await h.call("/api/patients", { token: admin.refreshToken });
        assert.equal(asAccess.status, 401, "a refresh token is no bearer token");
        await asAccess.body?.cancel();
        const asRefresh = await h.call("/auth/refresh", {
          method: "POST",
          body: { refreshToken: admin.token },
        });
        assert.equal(asRefresh.status, 401, "an access token is no refresh token");
        await asRefresh.body?.cancel();

        const made = await h.call("/auth/users", {
          method: "POST",
          token: admin.token,
          body: {
            email: "soon.disabled@test.com",
            name: "Soon Disabled",
            role: "CLINICIAN",
            password: "a long enough secret 7",
          },
        });
        const { id } = await made.json();
        const user = await login("soon.disabled@test.com", "a long enough secret 7");
        const off = await h.call(`/auth/users/${id}`, {
          method: "PATCH",
          token: admin.token,
          body: { disabled: true },
        });
        assert.equal(off.status, 200);
        await off.body?.cancel();
        const refreshed = await h.call("/auth/refresh", {
          method: "POST",
          body: { refreshToken: user.refreshToken },
        });
        assert.equal(refreshed.status, 401, "a disabled user's refresh fails at once");
        await refreshed.body?.cancel();
        const me = await h.call("/auth/me", { token: user.token });
        assert.equal(me.status, 401, "auth refuses the disabled user's session");
        await me.body?.cancel();
      },
    );

    await t.step("role escalation: the role claim changed in a real token → 401", async () => {
      // A token auth really issued, for a user whose role is USER, edited to say ADMIN.
      const user = await sign({ role: "USER", sub: "clerk@test.com" });
      const [header, payload, signature] = user.split(".") as [string, string, string];
      const claims = { ...decodePart(payload), role: "ADMIN" };
      await refused(`${header}.${b64url(JSON.stringify(claims))}.${signature}`, "role → ADMIN");
      // And one from /auth/login, edited the other way round (any edit breaks the signature).
      const login = await h.login();
      const [lh, lp, ls] = login.split(".") as [string, string, string];
      const edited = { ...decodePart(lp), role: "USER" };
      await refused(`${lh}.${b64url(JSON.stringify(edited))}.${ls}`, "login token role edited");
    });

    await t.step("each back service answers 401 JSON without a token, 200 with one", async () => {
      await refusedEverywhere(undefined, "no token");
      await refusedEverywhere("Basic dGVzdHVzZXJAdGVzdC5jb206cGFzc3dvcmQxMjM=", "basic auth");
      const token = await h.login();
      const bearer = { Authorization: `Bearer ${token}` };
      const created = await h.call("/api/patients", {
        method: "POST",
        token,
        body: newPatient(),
      });
      assert.equal(created.status, 201);
      const { id } = await created.json();
      const direct = [
        `${urls.patient}/patients/${id}`,
        `${urls.analytics}/analytics/summary`,
        `${urls.notification}/notifications?patientId=${id}`,
        `${urls.billing}/billing/accounts/${id}`,
      ];
      for (const url of direct.slice(0, 3)) {
        const res = await fetch(url, { headers: bearer });
        assert.equal(res.status, 200, url);
        await res.json();
      }
      // Billing's account is made by the patient service's dispatcher, shortly after the create.
      await eventually("billing account", async () => {
        const res = await fetch(direct[3]!, { headers: bearer });
        await res.body?.cancel();
        return res.status === 200 ? true : undefined;
      });
    });

    await t.step("path traversal and double encoding through the gateway → 4xx JSON", async () => {
      const token = await h.login();
      const before = canary.hits();
      const paths = [
        "/api/patients/../../auth/validate",
        "/api/patients/../../health",
        "/api/patients/../billing/accounts/x",
        "/api/%2e%2e/health",
        "/api/%2E%2E/auth/login",
        "/api/patients/%2e%2e/%2e%2e/health",
        "/api/patients/%252e%252e/%252e%252e/health",
        "/api/patients/%25252e%25252e/health",
        "/api/patients/..%2f..%2fhealth",
        "/api/patients/..%2F..%2Fauth%2Fvalidate",
        "/api/patients/..%252f..%252fhealth",
        "/api/patients/..\\..\\health",
        "/api/patients\\..\\..\\health",
        "/api/patients/%5c..%5c..%5chealth",
        "/api/patients/./" + JOHN,
        "/api/patients/..;/..;/health",
        "/api/patients//..//..//health",
        "/auth/../api/patients",
        "/auth/%2e%2e/api/patients",
        "/auth/..%2fv3/api-docs",
        // Each of these once made the gateway's upstream URL http://<auth>@127.0.0.1:<canary>/...
        `/auth/../abcd@127.0.0.1:${canary.port}/x`,
        `/auth/%2e%2e/abcd@127.0.0.1:${canary.port}/x`,
        `/%61uth/@127.0.0.1:${canary.port}/x`,
        `/api/patients/../../abcd@127.0.0.1:${canary.port}/x`,
      ];
      for (const path of paths) {
        for (const auth of [undefined, token]) {
          const res = await rawRequest(
            h.gateway,
            rawGet(path, auth ? `Authorization: Bearer ${auth}\r\n` : ""),
          );
          const what = `${path} ${auth ? "with" : "without"} a token: ${res.status} ${res.body}`;
          assert.ok(res.status >= 400 && res.status < 500, what);
          assert.match(res.headers["content-type"] ?? "", /application\/json/, what);
          assert.equal(typeof JSON.parse(res.body).message, "string", what);
          assert.doesNotMatch(res.body, /"status"|"valid"|"canary"|"keys"|"openapi"/, what);
        }
      }
      assert.equal(canary.hits(), before, "a path reached a host that is not an upstream");
    });

    await t.step("a client that hangs up or stalls mid-body is the client's fault", async () => {
      const token = await h.login();
      const head = (path: string) =>
        `POST ${path} HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer ${token}\r\n` +
        `Content-Type: application/json\r\nContent-Length: 5000\r\n\r\n{"email":`;
      const targets: [string, string][] = [
        [h.gateway, "/auth/login"],
        [h.gateway, "/api/patients"],
        [urls.auth!, "/login"],
        [urls.patient!, "/patients"],
      ];
      // Hang-ups: 9 bytes of the 5,000 announced, then the connection is closed.
      for (const [base, path] of targets) {
        const { port } = new URL(base);
        const conn = await Deno.connect({ hostname: "127.0.0.1", port: Number(port) });
        await conn.write(new TextEncoder().encode(head(path)));
        conn.close();
      }
      // Stalls through the gateway: its own body timeout answers 408, not a 504 for the upstream.
      for (const path of ["/auth/login", "/api/patients"]) {
        const { status, body, ms } = await rawAnswerWhileOpen(h.gateway, head(path));
        assert.equal(status, 408, `${path}: ${status} ${body}`);
        assert.match(JSON.parse(body).message, /did not arrive in time/);
        assert.ok(ms < 3_000, `${path}: ${ms} ms`);
      }
      await new Promise((r) => setTimeout(r, 300));
      for (const service of ["gateway", "auth", "patient"]) {
        const loud = h.system.logs(service).filter((l) => /"level":"error"|"status":5\d\d/.test(l));
        assert.deepEqual(loud, [], `${service} blamed itself for a client's hang-up`);
      }
      const health = await h.call("/api/patients?size=1", { token });
      assert.equal(health.status, 200);
      await health.body?.cancel();
    });

    await t.step("oversized headers → 400/431 quickly, never a hang or 500", async () => {
      const token = await h.login();
      const targets: [string, string, string][] = [
        ["gateway", h.gateway, "/api/patients"],
        ["patient", urls.patient!, "/patients"],
      ];
      for (const [name, base, path] of targets) {
        for (const [what, headers] of oversizedHeaders(token)) {
          const { status, ms } = await rawRequest(base, rawGet(path, headers));
          assert.ok([400, 431].includes(status), `${name}, ${what}: ${status}`);
          assert.ok(ms < 2_000, `${name}, ${what}: ${ms} ms`);
        }
      }
      const health = await h.call("/health");
      assert.equal(health.status, 200);
      await health.body?.cancel();
      const list = await h.call("/api/patients?size=1", { token });
      assert.equal(list.status, 200);
      await list.body?.cancel();
    });

    /** One login attempt through the gateway. */
    const tryLogin = (email: string, password: string, headers: Record<string, string> = {}) =>
      h.call("/auth/login", { method: "POST", headers, body: { email, password } });

    /**
     * Makes up to `tries` login attempts (`attempt(i)`, each other answer handed to `other`) until
     * one is a 429, and returns that one once it has a Retry-After.
     */
    const floodUntil429 = async (
      tries: number,
      attempt: (i: number) => Promise<Response>,
      other: (res: Response) => Promise<void>,
      what = "",
    ): Promise<Response> => {
      let throttled: Response | undefined;
      for (let i = 0; i < tries && !throttled; i++) {
        const res = await attempt(i);
        if (res.status === 429) throttled = res;
        else await other(res);
      }
      assert.ok(throttled, `no 429 after ${tries} failed logins${what}`);
      assert.ok(Number(throttled.headers.get("Retry-After")) > 0);
      return throttled;
    };

    await t.step(
      "login flood on one email → 429 with Retry-After, even for the right password",
      async () => {
        const throttled = await floodUntil429(
          30,
          (i) => tryLogin("flood@test.com", `wrong-${i}`),
          async (res) => {
            assert.equal(res.status, 401);
            await res.body?.cancel();
          },
        );
        assert.ok((await throttled.json()).message);
        // The seeded user's email, flooded: the right password no longer gets a token either.
        for (let i = 0; i < 5; i++) {
          await (await tryLogin("testuser@test.com", `wrong-${i}`)).body?.cancel();
        }
        const locked = await tryLogin("testuser@test.com", "password123");
        assert.equal(locked.status, 429);
        assert.ok(Number(locked.headers.get("Retry-After")) > 0);
        await locked.body?.cancel();
      },
    );

    await t.step(
      "login flood over many emails and forged X-Forwarded-For → 429 per client",
      async () => {
        const throttled = await floodUntil429(
          40,
          (i) =>
            tryLogin(`spray-${i}@test.com`, "password123", { "X-Forwarded-For": `10.0.${i}.${i}` }),
          async (res) => await res.body?.cancel(),
          " from one client",
        );
        await throttled.body?.cancel();
      },
    );
  } finally {
    await canary.stop();
    await h.system.stop();
  }
});
