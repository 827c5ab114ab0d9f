/**
 * Bad input through the gateway: every answer is a 4xx JSON (never a 500, a hang or a stack
 * trace) and the database is unchanged. Also: the patient service refuses callers without a token.
 * Tokens, path tricks, oversized headers and login floods are in security_test.ts.
 */
import assert from "node:assert/strict";
import postgres from "postgres";
import { startHarness } from "./_system.ts";

const valid = {
  name: "Grace Hopper",
  email: "grace@example.com",
  address: "1 Navy Way",
  dateOfBirth: "1906-12-09",
  registeredDate: "2024-01-01",
};

Deno.test("bad input: 4xx JSON, never 500, database unchanged", async (t) => {
  const h = await startHarness();
  const sql = postgres(h.system.databaseUrls.patient!, { max: 1, onnotice: () => {} });
  const snapshot = async () => JSON.stringify(await sql`select * from patients order by id`);
  try {
    const token = await h.login();
    const before = await snapshot();
    const john = "123e4567-e89b-12d3-a456-426614174000";
    const cases: { name: string; path: string; method: string; body?: string; type?: string }[] = [
      { name: "malformed JSON", path: "/api/patients", method: "POST", body: '{"name": ' },
      { name: "JSON array", path: "/api/patients", method: "POST", body: "[]" },
      { name: "JSON string", path: "/api/patients", method: "POST", body: '"x"' },
      { name: "null body", path: "/api/patients", method: "POST", body: "null" },
      { name: "empty body", path: "/api/patients", method: "POST", body: "" },
      {
        name: "wrong types",
        path: "/api/patients",
        method: "POST",
        body: JSON.stringify({ ...valid, name: 42, dateOfBirth: true, email: ["a"] }),
      },
      {
        name: "unknown field",
        path: "/api/patients",
        method: "POST",
        body: JSON.stringify({ ...valid, isAdmin: true }),
      },
      {
        name: "text/plain",
        path: "/api/patients",
        method: "POST",
        body: JSON.stringify(valid),
        type: "text/plain",
      },
      {
        name: "huge body",
        path: "/api/patients",
        method: "POST",
        body: JSON.stringify({ ...valid, address: "x".repeat(2_000_000) }),
      },
      {
        name: "impossible date",
        path: "/api/patients",
        method: "POST",
        body: JSON.stringify({ ...valid, dateOfBirth: "2023-02-30" }),
      },
      {
        name: "future birth",
        path: "/api/patients",
        method: "POST",
        body: JSON.stringify({ ...valid, dateOfBirth: "2999-01-01" }),
      },
      {
        name: "SQL in email",
        path: "/api/patients",
        method: "POST",
        body: JSON.stringify({ ...valid, email: "x'; drop table patients; --@example.com" }),
      },
      {
        name: "NUL character in name",
        path: "/api/patients",
        method: "POST",
        body: JSON.stringify({ ...valid, name: "Grace\u0000Hopper" }),
      },
      {
        name: "NUL character in address (PUT)",
        path: `/api/patients/${john}`,
        method: "PUT",
        body: JSON.stringify({ ...valid, email: "john.doe@example.com", address: "\u0000" }),
      },
      { name: "NUL character in search", path: "/api/patients?search=%00", method: "GET" },
      { name: "invalid UUID", path: "/api/patients/' or 1=1 --", method: "GET" },
      {
        name: "invalid UUID put",
        path: "/api/patients/123",
        method: "PUT",
        body: JSON.stringify(valid),
      },
      { name: "invalid UUID delete", path: "/api/patients/%00", method: "DELETE" },
      { name: "encoded traversal", path: "/api/patients/..%252f..%252fauth", method: "GET" },
      { name: "bad page", path: "/api/patients?page=1e309", method: "GET" },
      { name: "bad search", path: `/api/patients?search=${"x".repeat(500)}`, method: "GET" },
      {
        name: "put malformed",
        path: `/api/patients/${john}`,
        method: "PUT",
        body: "{{{",
      },
      {
        name: "put unknown field",
        path: `/api/patients/${john}`,
        method: "PUT",
        body: JSON.stringify({ ...valid, email: "john.doe@example.com", role: "ADMIN" }),
      },
    ];
    for (const c of cases) {
      await t.step(c.name, async () => {
        const res = await h.call(c.path, {
          method: c.method,
          token,
          body: c.body,
          headers: { "Content-Type": c.type ?? "application/json" },
        });
        assert.ok(res.status >= 400 && res.status < 500, `${c.name}: ${res.status}`);
        assert.match(res.headers.get("Content-Type") ?? "", /application\/json/);
        const text = await res.text();
        assert.doesNotMatch(text, /at .*\.ts:\d+|Error:|stack/i);
        assert.equal(typeof JSON.parse(text), "object");
      });
    }
    await t.step("database unchanged by every rejected request", async () => {
      assert.equal(await snapshot(), before);
    });

    await t.step(
      "SQL metacharacters, unicode and emoji in names are stored literally",
      async () => {
        const names = [
          "Robert'); DROP TABLE patients;--",
          "Zoë Ångström-Łukasz",
          "李小龍",
          "Ana 👩‍⚕️",
        ];
        for (const [i, name] of names.entries()) {
          const res = await h.call("/api/patients", {
            method: "POST",
            token,
            body: { ...valid, name, email: `u${i}@example.com` },
          });
          assert.equal(res.status, 201, name);
          const created = await res.json();
          const read = await (await h.call(`/api/patients/${created.id}`, { token })).json();
          assert.equal(read.name, name);
        }
        const [row] = await sql`select count(*)::int as n from patients`;
        assert.equal(row!.n, 15 + names.length);
      },
    );

    await t.step("the patient service itself refuses a request without a token", async () => {
      const res = await fetch(`${h.system.urls.patient}/patients`);
      assert.equal(res.status, 401);
      await res.body?.cancel();
    });
  } finally {
    await sql.end();
    await h.system.stop();
  }
});
