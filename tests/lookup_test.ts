/**
 * Patient lookup and duplicate candidates through the gateway, on a real database: a generated
 * data set with accents, cases and shared prefixes; every answer compared with a reference
 * filter and sort computed here (the contract's words, not the service's code); exact totals
 * and paging; bad values → 400; planted near-duplicates found with their reasons.
 */
import assert from "node:assert/strict";
import { type Harness, startHarness } from "./_system.ts";

interface P {
  id: string;
  name: string;
  email: string;
  address: string;
  dateOfBirth: string;
  registeredDate: string;
}

/** Case and accents removed, whitespace runs as one space: the contract's "any case or accent". */
const fold = (s: string) =>
  s.normalize("NFD").replace(/\p{M}/gu, "").toLowerCase().replace(/\s+/g, " ");

/** Each word of `query` begins a word of `name`. */
function nameMatches(name: string, query: string): boolean {
  const words = fold(name).trim().split(" ");
  return fold(query).trim().split(" ").every((q) => words.some((w) => w.startsWith(q)));
}

const byId = (a: P, b: P) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
const cmp = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/** The contract's sorts, ties by id; names as people read them (folded, then as written). */
const SORTS: Record<string, (a: P, b: P) => number> = {
  name: (a, b) => cmp(fold(a.name), fold(b.name)) || cmp(a.name, b.name) || byId(a, b),
  "-name": (a, b) => cmp(fold(b.name), fold(a.name)) || cmp(b.name, a.name) || byId(a, b),
  dateOfBirth: (a, b) => cmp(a.dateOfBirth, b.dateOfBirth) || byId(a, b),
  "-dateOfBirth": (a, b) => cmp(b.dateOfBirth, a.dateOfBirth) || byId(a, b),
  registeredDate: (a, b) => cmp(a.registeredDate, b.registeredDate) || byId(a, b),
  "-registeredDate": (a, b) => cmp(b.registeredDate, a.registeredDate) || byId(a, b),
};

const FIRST = [
  "John",
  "Johanna",
  "Jonah",
  "José",
  "Joël",
  "Éloïse",
  "Elodie",
  "ELOISE",
  "Zoë",
  "zoe",
  "Ana María",
  "Ángel",
  "Renée",
  "René",
];
const LAST = ["Doe", "Domínguez", "Döring", "de Vries", "Dupont", "García", "Lopez", "O'Neil"];
const BIRTHS = ["1970-03-01", "1985-12-10", "1990-07-04", "2001-01-31", "2015-06-15"];

/** Every page of `query` at `size`, concatenated, and the X-Total-Count of the first. */
async function allPages(h: Harness, token: string, query: string, size: number) {
  const ids: string[] = [];
  let total = -1;
  for (let page = 0; page < 100; page++) {
    const res = await h.call(`/api/patients?${query}&size=${size}&page=${page}`, { token });
    assert.equal(res.status, 200, `${query}: ${await res.clone().text()}`);
    if (page === 0) total = Number(res.headers.get("X-Total-Count"));
    const body: P[] = await res.json();
    ids.push(...body.map((p) => p.id));
    if (body.length < size) break;
  }
  return { ids, total };
}

Deno.test("lookup: name words, email, dateOfBirth, sort and paging equal a reference filter", async (t) => {
  const h = await startHarness();
  try {
    const token = await h.login();
    // The data set: every first name with every last name, birth dates and registrations spread.
    const bodies = FIRST.flatMap((first, i) =>
      LAST.map((last, j) => ({
        name: `${first} ${last}`,
        email: `${fold(first).replace(/\W/g, "")}.${
          fold(last).replace(/\W/g, "")
        }.${i}${j}@Example.org`,
        address: `${i + j} Lookup Lane`,
        dateOfBirth: BIRTHS[(i + j) % BIRTHS.length]!,
        registeredDate: `2024-0${1 + ((i * 3 + j) % 9)}-1${j % 10}`,
      }))
    );
    for (let i = 0; i < bodies.length; i += 8) {
      await Promise.all(
        bodies.slice(i, i + 8).map(async (body) => {
          const res = await h.call("/api/patients", { method: "POST", token, body });
          assert.equal(res.status, 201, await res.clone().text());
          await res.body?.cancel();
        }),
      );
    }
    // All patients (the seeded ones too), read unfiltered: the reference works on this set.
    const everyone: P[] = [];
    for (let page = 0;; page++) {
      const res = await h.call(`/api/patients?size=100&page=${page}`, { token });
      const body: P[] = await res.json();
      everyone.push(...body);
      if (body.length < 100) break;
    }
    assert.equal(everyone.length, bodies.length + 15);

    const expect = async (query: Record<string, string>, keep: (p: P) => boolean, size = 7) => {
      const sort = query.sort ?? "name";
      const want = everyone.filter(keep).sort(SORTS[sort]).map((p) => p.id);
      const got = await allPages(h, token, new URLSearchParams(query).toString(), size);
      const names = (ids: string[]) => ids.map((id) => everyone.find((p) => p.id === id)?.name);
      assert.deepEqual(names(got.ids), names(want), JSON.stringify(query));
      assert.deepEqual(got.ids, want, JSON.stringify(query));
      assert.equal(got.total, want.length, `X-Total-Count of ${JSON.stringify(query)}`);
    };

    await t.step("name: each word begins a word of the name, any case or accent", async () => {
      for (
        const name of [
          "jo",
          "jo do",
          "JO DO",
          "do jo",
          "élo",
          "ELO",
          "eloise",
          "zo",
          "zoë d",
          "de v",
          "ana mar",
          "ange",
          "rene",
          "RENÉE",
          "o'n",
          "oneil",
          "j",
          "jo xyz",
          "ohn",
        ]
      ) {
        await expect({ name }, (p) => nameMatches(p.name, name));
      }
    });

    await t.step(
      "email (exact, any case), dateOfBirth, and both with name and search",
      async () => {
        const one = bodies[17]!;
        await expect({ email: one.email.toUpperCase() }, (p) => p.email === one.email);
        await expect({ email: "nobody@example.org" }, () => false);
        await expect({ dateOfBirth: "1985-12-10" }, (p) => p.dateOfBirth === "1985-12-10");
        await expect(
          { name: "jo", dateOfBirth: "1990-07-04" },
          (p) => nameMatches(p.name, "jo") && p.dateOfBirth === "1990-07-04",
        );
        await expect(
          { name: "jo", search: "garc" },
          (p) =>
            nameMatches(p.name, "jo") &&
            (p.name.toLowerCase().includes("garc") || p.email.toLowerCase().includes("garc")),
        );
      },
    );

    await t.step("every sort, each way, ties by id, with and without filters", async () => {
      for (const sort of Object.keys(SORTS)) {
        await expect({ sort }, () => true, 40);
        await expect({ sort, name: "e" }, (p) => nameMatches(p.name, "e"), 6);
      }
    });

    await t.step("Link keeps every filter", async () => {
      const res = await h.call(
        "/api/patients?name=jo%20do&dateOfBirth=1970-03-01&sort=-name&size=1",
        { token },
      );
      const link = res.headers.get("Link") ?? "";
      await res.body?.cancel();
      assert.match(link, /name=jo\+do/);
      assert.match(link, /dateOfBirth=1970-03-01/);
      assert.match(link, /sort=-name/);
    });

    await t.step("bad values → 400 {message}", async () => {
      for (
        const query of [
          "sort=age",
          "sort=",
          "sort=NAME",
          "dateOfBirth=1990-02-30",
          "dateOfBirth=yesterday",
          "email=not-an-email",
          "name=",
          `name=${"a".repeat(101)}`,
        ]
      ) {
        const res = await h.call(`/api/patients?${query}`, { token });
        assert.equal(res.status, 400, query);
        const body = await res.json();
        assert.equal(typeof body.message, "string", query);
      }
    });
  } finally {
    await h.system.stop();
  }
});

Deno.test("duplicates: planted near-duplicates found with reasons; Possible-Duplicates", async (t) => {
  const h = await startHarness();
  try {
    const token = await h.login();
    const create = async (name: string, dateOfBirth: string, address: string) => {
      const res = await h.call("/api/patients", {
        method: "POST",
        token,
        body: {
          name,
          email: `${crypto.randomUUID().slice(0, 8)}@dup.example`,
          address,
          dateOfBirth,
          registeredDate: "2025-01-01",
        },
      });
      assert.equal(res.status, 201);
      const patient = await res.json();
      return { id: patient.id as string, flagged: res.headers.get("Possible-Duplicates") };
    };
    const a = await create("Ana María López", "1980-05-05", "12 Main St.");
    const b = await create("ana maria lopez", "1980-05-05", "99 Other Road");
    const c = await create("Anna Maria Lopes", "1980-05-05", "7 Elm Street");
    const d = await create("Ana Maria Lopez", "1975-01-01", "12 main st");
    const e = await create("Ana Maria Lopez", "1990-09-09", "1 Far Away");
    const f = await create("Bob Stone", "1980-05-05", "12 Main St.");
    const g = await create("Ana María López", "1980-05-05", "5 Gone Street");
    const gone = await h.call(`/api/patients/${g.id}`, { method: "DELETE", token });
    assert.equal(gone.status, 204);

    await t.step("Possible-Duplicates counts the candidates on create; the create stands", () => {
      assert.equal(a.flagged, null, "the first has none");
      assert.equal(b.flagged, "1");
      assert.equal(c.flagged, "2");
      assert.equal(d.flagged, "1", "same name and address as the first");
      assert.equal(e.flagged, null, "same name, other birth date and address");
      assert.equal(f.flagged, null, "same birth date, another name");
      assert.equal(g.flagged, "3");
    });

    await t.step(
      "GET …/duplicates: best first, with reasons; others and deleted left out",
      async () => {
        const res = await h.call(`/api/patients/${a.id}/duplicates`, { token });
        assert.equal(res.status, 200);
        const found: { patient: P; score: number; reasons: string[] }[] = await res.json();
        assert.deepEqual(found.map((x) => x.patient.id), [b.id, c.id, d.id]);
        assert.deepEqual(found[0]!.reasons, ["SAME_DATE_OF_BIRTH", "SAME_NAME"]);
        assert.ok(found[0]!.score >= 0.9 && found[0]!.score <= 1, String(found[0]!.score));
        assert.deepEqual(found[1]!.reasons, ["SAME_DATE_OF_BIRTH", "SIMILAR_NAME"]);
        assert.deepEqual(found[2]!.reasons, ["SAME_NAME", "SAME_ADDRESS"]);
        for (const x of found) assert.ok(x.score > 0 && x.score <= 1);
        assert.ok(found[0]!.score > found[1]!.score && found[1]!.score > found[2]!.score);
        assert.equal(found[0]!.patient.name, "ana maria lopez");
        assert.equal(found[0]!.patient.dateOfBirth, "1980-05-05");
        const none = await (await h.call(`/api/patients/${f.id}/duplicates`, { token })).json();
        assert.deepEqual(none, []);
      },
    );

    await t.step("404 unknown or deleted, 400 malformed, 403 AUDITOR", async () => {
      for (const id of [crypto.randomUUID(), g.id]) {
        const res = await h.call(`/api/patients/${id}/duplicates`, { token });
        assert.equal(res.status, 404);
        assert.deepEqual(await res.json(), { message: "Patient not found" });
      }
      const bad = await h.call("/api/patients/nope/duplicates", { token });
      assert.equal(bad.status, 400);
      await bad.body?.cancel();
      const login = await h.call("/auth/login", {
        method: "POST",
        body: { email: "auditor@test.com", password: "demo-password-2026" },
      });
      const auditor = (await login.json()).token;
      const denied = await h.call(`/api/patients/${a.id}/duplicates`, { token: auditor });
      assert.equal(denied.status, 403);
      await denied.body?.cancel();
    });
  } finally {
    await h.system.stop();
  }
});
