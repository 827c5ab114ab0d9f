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

/** One rejected request: its step name, method, path, raw body and Content-Type. */
interface Case {
  name: string;
  path: string;
  method: string;
  body?: string;
  type?: string;
}

/** Makes the cases of `method` at `path`. */
function at(method: string, path: string) {
  return (name: string, body?: string, type?: string): Case => ({ name, path, method, body, type });
}

Deno.test("bad input: 4xx JSON, never 500, database unchanged", async (t) => {
  const h = await startHarness();
  const sql = postgres(h.system.databaseUrls.patient!, { max: 1, onnotice: () => {} });
  const snapshot = async () => JSON.stringify(await sql`select * from patients order by id`);
  try {
    const token = await h.login();
    const before = await snapshot();
    const john = "123e4567-e89b-12d3-a456-426614174000";
    /** `valid` with `changes`, as JSON. */
    const edited = (changes: Record<string, unknown>) => JSON.stringify({ ...valid, ...changes });
    /** John's own details with `changes`: a PUT that differs from a valid one only there. */
    const johnEdited = (changes: Record<string, unknown>) =>
      edited({ email: "john.doe@example.com", ...changes });
    const post = at("POST", "/api/patients");
    const putJohn = at("PUT", `/api/patients/${john}`);
    const get = (name: string, path: string) => at("GET", path)(name);
    const cases: Case[] = [
      post("malformed JSON", '{"name": '),
      post("JSON array", "[]"),
      post("JSON string", '"x"'),
      post("null body", "null"),
      post("empty body", ""),
      post("wrong types", edited({ name: 42, dateOfBirth: true, email: ["a"] })),
      post("unknown field", edited({ isAdmin: true })),
      post("text/plain", JSON.stringify(valid), "text/plain"),
      post("huge body", edited({ address: "x".repeat(2_000_000) })),
      post("impossible date", edited({ dateOfBirth: "2023-02-30" })),
      post("future birth", edited({ dateOfBirth: "2999-01-01" })),
      post("SQL in email", edited({ email: "x'; drop table patients; --@example.com" })),
      post("NUL character in name", edited({ name: "Grace\u0000Hopper" })),
      putJohn("NUL character in address (PUT)", johnEdited({ address: "\u0000" })),
      get("NUL character in search", "/api/patients?search=%00"),
      get("invalid UUID", "/api/patients/' or 1=1 --"),
      at("PUT", "/api/patients/123")("invalid UUID put", JSON.stringify(valid)),
      at("DELETE", "/api/patients/%00")("invalid UUID delete"),
      get("encoded traversal", "/api/patients/..%252f..%252fauth"),
      get("bad page", "/api/patients?page=1e309"),
      get("bad search", `/api/patients?search=${"x".repeat(500)}`),
      putJohn("put malformed", "{{{"),
      putJohn("put unknown field", johnEdited({ role: "ADMIN" })),
      post("control character (U+0001) in name", edited({ name: "Grace\u0001Hopper" })),
      post("escape sequence in name", edited({ name: "Grace\u001b[31mHopper" })),
      post("bidi override (U+202E) in name", edited({ name: "Grace\u202eHopper" })),
      putJohn("C1 control in address (PUT)", johnEdited({ address: "1\u0085Street" })),
      post("registeredDate before dateOfBirth", edited({ registeredDate: "1900-01-01" })),
      post("registeredDate in the future", edited({ registeredDate: "2999-01-01" })),
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

    await t.step(
      "a forwarded prefix that is not a plain absolute path is not used in links",
      async () => {
        for (const prefix of ["//evil-example", "/api//x", "https://evil-example", "/a/../b"]) {
          const res = await fetch(`${h.system.urls.patient}/patients?size=1`, {
            headers: { Authorization: `Bearer ${token}`, "X-Forwarded-Prefix": prefix },
          });
          assert.equal(res.status, 200, prefix);
          await res.body?.cancel();
          for (const link of (res.headers.get("Link") ?? "").matchAll(/<([^>]*)>/g)) {
            assert.match(link[1]!, /^\/patients\?/, `${prefix}: ${link[1]}`);
          }
        }
      },
    );

    await t.step("tokens and patient data are marked not to be stored", async () => {
      const login = await h.call("/auth/login", {
        method: "POST",
        body: { email: "testuser@test.com", password: "password123" },
      });
      const list = await h.call("/api/patients", { token });
      const one = await h.call(`/api/patients/${john}`, { token });
      for (const res of [login, list, one]) {
        assert.equal(res.headers.get("Cache-Control"), "no-store", res.url);
        assert.equal(res.headers.get("Pragma"), "no-cache", res.url);
        await res.body?.cancel();
      }
    });

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
