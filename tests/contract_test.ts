/**
 * Every row of the contract's auth, gateway and patient sections, through the gateway, against
 * the real services (separate processes) and a real PostgreSQL.
 */
import assert from "node:assert/strict";
import postgres from "postgres";
import { exportJWK, generateKeyPair } from "jose";
import { type Harness, startHarness } from "./_system.ts";
import { adminToken } from "./_jwt.ts";

const JOHN = "123e4567-e89b-12d3-a456-426614174000";
const newPatient = (email: string) => ({
  name: "Ada Lovelace",
  email,
  address: "12 St James's Square, London",
  dateOfBirth: "1985-12-10",
  registeredDate: "2024-11-01",
});

/** Asserts the answer's status (with `message`) and discards its body. */
async function expectStatus(res: Response, status: number, message?: string): Promise<void> {
  assert.equal(res.status, status, message);
  await res.body?.cancel();
}

Deno.test("contract: auth, gateway and patient through port 4004's gateway", async (t) => {
  const h: Harness = await startHarness();
  const sql = postgres(h.system.databaseUrls.patient!, { max: 2, onnotice: () => {} });
  const count = async () => Number((await sql`select count(*)::int as n from patients`)[0]!.n);
  try {
    const token = await h.login();
    /** Calls with the seeded user's token. */
    const post = (body: unknown) => h.call("/api/patients", { method: "POST", token, body });
    const put = (id: string, body: unknown) =>
      h.call(`/api/patients/${id}`, { method: "PUT", token, body });
    const del = (id: string) => h.call(`/api/patients/${id}`, { method: "DELETE", token });

    await t.step("POST /auth/login returns a token for the seeded user", () => {
      assert.equal(token.split(".").length, 3);
    });

    await t.step(
      "POST /auth/login: wrong password and unknown email get the same 401",
      async () => {
        const wrong = await h.call("/auth/login", {
          method: "POST",
          body: { email: "testuser@test.com", password: "nope-nope" },
        });
        const unknown = await h.call("/auth/login", {
          method: "POST",
          body: { email: "nobody@test.com", password: "password123" },
        });
        assert.equal(wrong.status, 401);
        assert.equal(unknown.status, 401);
        assert.deepEqual(await wrong.json(), await unknown.json());
      },
    );

    await t.step("POST /auth/login: malformed body is 400", async () => {
      for (const body of ["{not json", JSON.stringify({ email: "x" }), "[]"]) {
        const res = await h.call("/auth/login", {
          method: "POST",
          body,
          headers: { "Content-Type": "application/json" },
        });
        assert.equal(res.status, 400, body);
        assert.ok(typeof (await res.json()) === "object");
      }
    });

    await t.step("GET /auth/validate: 200 for a valid token, 401 otherwise", async () => {
      await expectStatus(await h.call("/auth/validate", { token }), 200);
      const { privateKey } = await generateKeyPair("EdDSA");
      const foreign = await adminToken(privateKey, { alg: "EdDSA", kid: "x" });
      const [header, payload] = token.split(".");
      const none = `${btoa(JSON.stringify({ alg: "none" })).replace(/=+$/, "")}.${payload}.`;
      const cases: Record<string, string>[] = [
        {},
        { Authorization: `Basic ${btoa("a:b")}` },
        { Authorization: `Bearer ${foreign}` },
        { Authorization: `Bearer ${none}` },
        { Authorization: `Bearer ${header}.${payload}.AAAA` },
      ];
      for (const headers of cases) {
        await expectStatus(
          await h.call("/auth/validate", { headers }),
          401,
          JSON.stringify(headers),
        );
      }
    });

    await t.step("GET /auth/.well-known/jwks.json publishes the EdDSA public key", async () => {
      const res = await h.call("/auth/.well-known/jwks.json");
      const { keys } = await res.json();
      assert.equal(keys[0].kty, "OKP");
      assert.equal(keys[0].alg, "EdDSA");
      assert.ok(keys[0].kid);
      assert.equal(keys[0].d, undefined);
    });

    await t.step(
      "gateway: no or invalid token → 401 JSON, request never reaches patient",
      async () => {
        const before = await count();
        for (
          const headers of [{}, { Authorization: "Bearer garbage" }] as Record<string, string>[]
        ) {
          const res = await h.call("/api/patients", {
            method: "POST",
            headers,
            body: newPatient("never@example.com"),
          });
          assert.equal(res.status, 401);
          assert.ok((await res.json()).message);
        }
        assert.equal(await count(), before);
      },
    );

    await t.step("gateway: X-Request-Id is accepted, or created, and returned", async () => {
      const given = await h.call("/health", { headers: { "X-Request-Id": "trace-me-1" } });
      assert.equal(given.headers.get("X-Request-Id"), "trace-me-1");
      assert.deepEqual(await given.json(), { status: "UP" });
      const made = await h.call("/api/patients", { token });
      assert.match(made.headers.get("X-Request-Id") ?? "", /^[0-9a-f-]{36}$/);
      await made.body?.cancel();
    });

    await t.step("gateway: /api-docs/patients, /api-docs/auth and /docs", async () => {
      const patients = await (await h.call("/api-docs/patients")).json();
      assert.match(patients.openapi, /^3\./);
      assert.ok(patients.paths["/patients"]);
      const auth = await (await h.call("/api-docs/auth")).json();
      assert.ok(auth.paths["/login"]);
      const docs = await h.call("/docs");
      assert.match(await docs.text(), /swagger-ui/);
    });

    await t.step("GET /api/patients: a bare array of the 15 seeded patients, paged", async () => {
      const res = await h.call("/api/patients", { token });
      assert.equal(res.status, 200);
      const list = await res.json();
      assert.ok(Array.isArray(list));
      assert.equal(list.length, 15);
      assert.equal(res.headers.get("X-Total-Count"), "15");
      const page = await h.call("/api/patients?page=1&size=4", { token });
      assert.equal((await page.json()).length, 4);
      const link = page.headers.get("Link") ?? "";
      assert.match(link, /rel="next"/);
      assert.match(link, /rel="prev"/);
      assert.match(link, /\/api\/patients\?/);
      const search = await h.call("/api/patients?search=JOHN", { token });
      const found = await search.json();
      assert.ok(found.some((p: { id: string }) => p.id === JOHN));
      assert.ok(
        found.every((p: { name: string; email: string }) =>
          `${p.name} ${p.email}`.toLowerCase().includes("john")
        ),
      );
      for (const bad of ["page=-1", "size=0", "size=100000", "page=abc"]) {
        await expectStatus(await h.call(`/api/patients?${bad}`, { token }), 400, bad);
      }
    });

    await t.step("GET /api/patients/{id}: 200, 404, bad UUID 400", async () => {
      const john = await (await h.call(`/api/patients/${JOHN}`, { token })).json();
      // Fields are only ever added (registeredDate, and the record's version and updatedAt).
      assert.deepEqual(
        { ...john, registeredDate: undefined, updatedAt: undefined },
        {
          id: JOHN,
          name: "John Doe",
          email: "john.doe@example.com",
          address: "123 Main St, Springfield",
          dateOfBirth: "1985-06-15",
          registeredDate: undefined,
          version: 1,
          updatedAt: undefined,
        },
      );
      const missing = await h.call(`/api/patients/${crypto.randomUUID()}`, { token });
      assert.equal(missing.status, 404);
      assert.deepEqual(await missing.json(), { message: "Patient not found" });
      await expectStatus(await h.call("/api/patients/not-a-uuid", { token }), 400);
    });

    let created: { id: string } = { id: "" };
    await t.step("POST /api/patients: 201 + Location, 400 messages, 409 duplicate", async () => {
      const res = await post(newPatient("ada@example.com"));
      assert.equal(res.status, 201);
      created = await res.json();
      assert.equal(res.headers.get("Location"), `/api/patients/${created.id}`);
      assert.equal((created as unknown as { name: string }).name, "Ada Lovelace");
      const invalid = await post({});
      assert.equal(invalid.status, 400);
      assert.deepEqual(await invalid.json(), {
        name: "Name is required",
        email: "Email is required",
        address: "Address is required",
        dateOfBirth: "Date of birth is required",
        registeredDate: "Registered date is required",
      });
      const bad = await post({ ...newPatient("x"), name: "n".repeat(101) });
      assert.deepEqual(await bad.json(), {
        name: "Name cannot exceed 100 characters",
        email: "Email should be valid",
      });
      const dup = await post(newPatient("ADA@example.com"));
      assert.equal(dup.status, 409);
      assert.deepEqual(await dup.json(), { message: "Email address already exists" });
    });

    await t.step(
      "PUT /api/patients/{id}: 200, 400, 404, 409, registeredDate optional",
      async () => {
        const { registeredDate: _, ...update } = {
          ...newPatient("ada@example.com"),
          name: "Ada King",
        };
        const ok = await put(created.id, update);
        assert.equal(ok.status, 200);
        const body = await ok.json();
        assert.equal(body.name, "Ada King");
        assert.equal(body.registeredDate, "2024-11-01");
        await expectStatus(await put(crypto.randomUUID(), update), 404);
        await expectStatus(
          await put(created.id, { ...update, email: "john.doe@example.com" }),
          409,
        );
        const invalid = await put(created.id, { ...update, name: " " });
        assert.equal(invalid.status, 400);
        assert.deepEqual(await invalid.json(), { name: "Name is required" });
      },
    );

    await t.step("DELETE /api/patients/{id}: 204, then 404; bad UUID 400", async () => {
      const ok = await del(created.id);
      assert.equal(ok.status, 204);
      await expectStatus(await del(created.id), 404);
      await expectStatus(await del("1234"), 400);
    });

    await t.step("20 parallel creates with one email: one 201, nineteen 409, one row", async () => {
      const results = await Promise.all(
        Array.from(
          { length: 20 },
          () =>
            post(newPatient("race@example.com")).then(async (r) => {
              await r.body?.cancel();
              return r.status;
            }),
        ),
      );
      assert.equal(results.filter((s) => s === 201).length, 1);
      assert.equal(results.filter((s) => s === 409).length, 19);
      const [row] =
        await sql`select count(*)::int as n from patients where lower(email) = 'race@example.com'`;
      assert.equal(row!.n, 1);
    });

    await t.step("gateway: a stopped upstream is a fast 503 JSON, and recovers", async () => {
      await h.system.stopService("patient");
      const started = Date.now();
      const res = await h.call("/api/patients", { token });
      assert.ok([502, 503].includes(res.status), String(res.status));
      assert.ok((await res.json()).message);
      assert.ok(Date.now() - started < 2_000);
      await h.system.startService("patient");
      await expectStatus(await h.call("/api/patients", { token }), 200);
    });

    await t.step("a token with a key the gateway has never seen is refused", async () => {
      const { privateKey, publicKey } = await generateKeyPair("EdDSA", { extractable: true });
      await exportJWK(publicKey);
      const forged = await adminToken(privateKey, { alg: "EdDSA", kid: "attacker" });
      await expectStatus(await h.call("/api/patients", { token: forged }), 401);
    });
  } finally {
    await sql.end();
    await h.system.stop();
  }
});
