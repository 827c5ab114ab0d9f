// deno-lint-ignore-file no-console
/**
 * No disclosure without its record, whatever the request holds: odd query strings (NUL, the text
 * `\u0000`, invalid UTF-8 and lone surrogates, control and bidi characters, JSON-looking text,
 * very long values, thousands of parameters, repeated and unknown parameters) sent as every role
 * and without a token to patient REST, FHIR, groups, users, billing, notifications, analytics and
 * the audit trail itself. Every call the services answered or denied has its record stored by the
 * audit service (found by its request id), none answers 5xx, nothing is dead-lettered, a group of
 * 2,500 members read is recorded in parts of at most 1,000 patients, and the chain verifies.
 */
import assert from "node:assert/strict";
import { Buffer } from "node:buffer";
import { Kafka, logLevel } from "kafkajs";
import postgres from "postgres";
import { catalog } from "../services/catalog.ts";
import { DEMO_USERS, type DemoRole, eventually, newPatient, startHarness } from "./_system.ts";

const ALL = catalog.services.map((s) => s.name);
const ROLES = Object.keys(DEMO_USERS) as DemoRole[];

/** An audited route: the owning service, its path there, and the filter odd values go into. */
interface Route {
  name: string;
  service: string;
  /** The service's own path (the gateway adds `/api` or `/auth`; FHIR is unchanged). */
  path: string;
  param: string;
  /** A query every call of the route carries (a required parameter). */
  fixed?: string;
  /** Recorded only when denied (`analytics.read`). */
  deniedOnly?: boolean;
}

function gatewayPath(route: Route): string {
  if (route.path.startsWith("/fhir/")) return route.path;
  if (route.service === "auth") return `/auth${route.path}`;
  return `/api${route.path}`;
}

/** Odd values for one parameter (already percent-encoded as they go on the wire). */
const ODD_VALUES: [string, string][] = [
  ["NUL", "%00"],
  ["NUL after a word", "john%00"],
  ["the text \\u0000", "%5Cu0000"],
  ["the text \\u0000 after a comma", "john,%5Cu0000"],
  ["invalid UTF-8", "%ff%fe"],
  ["an encoded lone surrogate", "%ed%a0%80"],
  ["overlong NUL", "%c0%80"],
  ["control characters", "a%01b%1b%5b31m%7f"],
  ["C1 and bidi override", "a%c2%85%e2%80%aeb"],
  ["tab and newline", "a%09b%0d%0ac"],
  ["JSON-looking text", encodeURIComponent('{"a":[1,{"$gt":""}],"b":"\\u0000"}')],
  ["quote and backslash", encodeURIComponent('"\\')],
  ["a 6,000-character value", "x".repeat(6_000)],
  ["21 comma-separated values", Array(21).fill("jo").join(",")],
  ["20 comma-separated values", Array(20).fill("jo").join(",")],
  ["letters of many scripts", encodeURIComponent("Zoë 李 👩‍⚕️")],
];

/** Whole odd queries for a route's parameter `p`. */
function oddQueries(p: string): [string, string][] {
  return [
    ...ODD_VALUES.map(([name, value]): [string, string] => [name, `${p}=${value}`]),
    ["11 repetitions", Array(11).fill(`${p}=jo`).join("&")],
    ["10 repetitions", Array(10).fill(`${p}=jo`).join("&")],
    ["600 repetitions", Array(600).fill(`${p}=jo`).join("&")],
    [
      "1,500 unknown parameters",
      Array.from({ length: 1_500 }, (_, i) => `${i.toString(36)}=`)
        .join("&"),
    ],
    ["unknown parameters", "foo=bar&_pretty=true&_format=xml"],
    ["_format with a NUL", "_format=json;%00"],
    ["a NUL parameter name", "%00=1&%5Cu0000=2"],
  ];
}

interface Call {
  what: string;
  requestId: string;
  status: number;
  /** The service itself answered (so it recorded the call). */
  recorded: boolean;
  body: string;
}

Deno.test("audit content: every odd request answered or denied is recorded, none answers 5xx", async (t) => {
  const h = await startHarness({ services: ALL });
  const audit = postgres(h.system.databaseUrls.audit!, { max: 2, onnotice: () => {} });
  const patients = postgres(h.system.databaseUrls.patient!, { max: 1, onnotice: () => {} });
  try {
    const tokens = {} as Record<DemoRole, string>;
    for (const role of ROLES) {
      const [email, password] = DEMO_USERS[role];
      const res = await h.call("/auth/login", { method: "POST", body: { email, password } });
      assert.equal(res.status, 200, `login ${role}`);
      tokens[role] = (await res.json()).token;
    }
    const created = await h.call("/api/patients", {
      method: "POST",
      token: tokens.CLINICIAN,
      body: newPatient(),
    });
    assert.equal(created.status, 201);
    const id: string = (await created.json()).id;
    const groupOf = async (name: string) => {
      const res = await h.call("/api/groups", {
        method: "POST",
        token: tokens.FRONT_DESK,
        body: { name, kind: "OTHER" },
      });
      assert.equal(res.status, 201);
      return (await res.json()).id as string;
    };
    const small = await groupOf("Odd input family");
    const big = await groupOf("A very large group");
    // 2,500 members, written straight to the patient database (2,500 creates through the API
    // would only slow the test down).
    const members = await patients<{ id: string }[]>`
      insert into patients (id, name, email, address, date_of_birth, registered_date)
      select gen_random_uuid(), 'Member ' || i, 'member' || i || '@example.com', '1 Big Street',
             '1990-01-01', '2024-01-01'
      from generate_series(1, 2500) i
      returning id::text`;
    await patients`
      insert into group_members (group_id, patient_id, relationship, added_by)
      select ${big}::uuid, id, 'OTHER', 'test' from patients where email like 'member%@example.com'`;
    await eventually("billing account", async () => {
      const res = await h.call(`/api/billing/accounts/${id}`, { token: tokens.BILLING });
      await res.body?.cancel();
      return res.status === 200 ? true : undefined;
    });

    const routes: Route[] = [
      { name: "patient list", service: "patient", path: "/patients", param: "search" },
      { name: "patient lookup", service: "patient", path: "/patients", param: "name" },
      { name: "patient read", service: "patient", path: `/patients/${id}`, param: "x" },
      { name: "deleted patients", service: "patient", path: "/patients/deleted", param: "search" },
      { name: "FHIR search", service: "patient", path: "/fhir/R4/Patient", param: "name" },
      {
        name: "FHIR search by id",
        service: "patient",
        path: "/fhir/R4/Patient",
        param: "_format",
        fixed: `_id=${id}`,
      },
      { name: "FHIR read", service: "patient", path: `/fhir/R4/Patient/${id}`, param: "_format" },
      { name: "group list", service: "patient", path: "/groups", param: "search" },
      { name: "group read", service: "patient", path: `/groups/${small}`, param: "x" },
      { name: "users", service: "auth", path: "/users", param: "search" },
      {
        name: "billing charges",
        service: "billing",
        path: `/billing/accounts/${id}/charges`,
        param: "page",
      },
      {
        name: "billing statement",
        service: "billing",
        path: `/billing/accounts/${id}/statement`,
        param: "from",
      },
      {
        name: "notifications",
        service: "notification",
        path: "/notifications",
        param: "patientId",
        fixed: `patientId=${id}`,
      },
      { name: "audit search", service: "audit", path: "/audit", param: "actor" },
      {
        name: "disclosures",
        service: "audit",
        path: `/audit/patients/${id}/disclosures`,
        param: "from",
      },
      {
        name: "analytics",
        service: "analytics",
        path: "/analytics/summary",
        param: "x",
        deniedOnly: true,
      },
    ];

    const calls: Call[] = [];
    const send = async (
      what: string,
      url: string,
      token: string | undefined,
      recorded: (status: number) => boolean,
    ) => {
      const requestId = crypto.randomUUID();
      const headers: Record<string, string> = { "X-Request-Id": requestId };
      if (token) headers.Authorization = `Bearer ${token}`;
      const res = await fetch(url, { headers, signal: AbortSignal.timeout(30_000) });
      const body = await res.text();
      calls.push({ what, requestId, status: res.status, recorded: recorded(res.status), body });
    };
    /** Runs `jobs` a few at a time. */
    const inParallel = async (jobs: (() => Promise<void>)[], width = 6) => {
      let next = 0;
      await Promise.all(Array.from({ length: width }, async () => {
        while (next < jobs.length) await jobs[next++]!();
      }));
    };

    await t.step("every route, every odd query, every role and no token: no 5xx", async () => {
      const jobs: (() => Promise<void>)[] = [];
      for (const route of routes) {
        const queries = [...oddQueries(route.param)];
        if (route.name === "FHIR search") {
          queries.push(["the security review's NUL", `_id=${id}&_format=json;%00`]);
        }
        for (const [name, odd] of queries) {
          const query = route.fixed ? `${route.fixed}&${odd}` : odd;
          const recorded = (status: number) =>
            !route.deniedOnly || status === 401 || status === 403;
          for (const role of ROLES) {
            jobs.push(() =>
              send(
                `${role} ${route.name}: ${name}`,
                `${h.gateway}${gatewayPath(route)}?${query}`,
                tokens[role],
                recorded,
              )
            );
          }
          // Without a token the gateway refuses /api and /fhir itself (its 401s are only
          // logged): sent to the service directly, which records its own refusal.
          jobs.push(() =>
            send(
              `no token ${route.name}: ${name}`,
              `${h.system.urls[route.service]}${route.path}?${query}`,
              undefined,
              recorded,
            )
          );
        }
      }
      // Search cost is bounded in the service too, beyond the gateway's request-line limit.
      const many = Array(8_000).fill("jo").join(",");
      for (const path of ["/fhir/R4/Patient", "/patients"]) {
        jobs.push(() =>
          send(
            `ADMIN ${path} with 8,000 comma-separated names (to the service)`,
            `${h.system.urls.patient}${path}?name=${many}`,
            tokens.ADMIN,
            () => true,
          )
        );
      }
      const started = Date.now();
      await inParallel(jobs);
      console.log(`${calls.length} calls in ${((Date.now() - started) / 1000).toFixed(1)} s`);
      const failed = calls.filter((c) => c.status >= 500);
      assert.deepEqual(
        failed.map((c) => `${c.what} → ${c.status} ${c.body.slice(0, 200)}`),
        [],
        "no call answers 5xx",
      );
    });

    await t.step(
      "instants at the calendar's ends are 400, never 500, in every service",
      async () => {
        const call = async (path: string, init: { method?: string; body?: unknown } = {}) => {
          // Prefer: an export's kick-off reads its _since only when asked to run asynchronously.
          const headers = { Prefer: "respond-async" };
          const res = await h.call(path, { token: tokens.ADMIN, headers, ...init });
          return { status: res.status, body: await res.text() };
        };
        const schedule = await call("/api/schedules", {
          method: "POST",
          body: {
            name: "Calendar's end",
            kind: "ROOM",
            timeZone: "Pacific/Kiritimati",
            availability: [{ weekday: "MON", start: "00:00", end: "24:00" }],
          },
        });
        assert.equal(schedule.status, 201, schedule.body);
        const scheduleId = JSON.parse(schedule.body).id;
        const encounter = await call("/api/encounters", {
          method: "POST",
          body: { patientId: id, class: "AMBULATORY" },
        });
        assert.equal(encounter.status, 201, encounter.body);
        const encounterId = JSON.parse(encounter.body).id;
        const ends = [
          "0000-01-01T00:00:00Z",
          "0001-01-01T00:00:00%2B01:00",
          "9999-12-31T23:59:59-14:00",
          "2026-02-30T00:00:00Z",
        ];
        const paths: string[] = [];
        for (const end of ends) {
          for (const param of ["from", "to"]) {
            paths.push(
              `/api/appointments?${param}=${end}`,
              `/api/encounters?${param}=${end}`,
              `/api/observations?${param}=${end}`,
              `/api/audit?${param}=${end}`,
              `/api/audit/patients/${id}/disclosures?${param}=${end}`,
              `/api/billing/accounts/${id}/statement?${param}=${end}`,
            );
          }
          paths.push(
            `/fhir/R4/$export?_since=${end}`,
            `/fhir/R4/Patient/${id}/$everything?_since=${end}`,
          );
        }
        for (const [from, to] of [["9999-12-31", "9999-12-31"], ["0000-01-01", "0000-01-02"]]) {
          paths.push(`/api/schedules/${scheduleId}/slots?from=${from}&to=${to}`);
        }
        const answered: string[] = [];
        for (const path of paths) {
          const res = await call(path);
          if (res.status !== 400) {
            answered.push(`${path} → ${res.status} ${res.body.slice(0, 120)}`);
          }
        }
        const observation = await call(`/api/encounters/${encounterId}/observations`, {
          method: "POST",
          body: { code: "8867-4", value: 70, unit: "/min", effectiveAt: "0000-01-01T00:00:00Z" },
        });
        if (observation.status !== 400) answered.push(`observation → ${observation.status}`);
        assert.deepEqual(answered, [], "each is 400");
        // A search's date past the calendar's end finds nothing, as any date no record has.
        const searches = ["gt9999-12-31", "eq9999-12-31", "le9999-12-31", "ne9999-12-31", "gt9999"];
        for (const date of searches) {
          for (const type of ["Appointment", "Encounter", "Observation"]) {
            const res = await call(`/fhir/R4/${type}?date=${date}`);
            assert.ok(res.status < 500, `${type}?date=${date} → ${res.status} ${res.body}`);
          }
          const slots = await call(`/fhir/R4/Slot?schedule=${scheduleId}&start=${date}`);
          assert.ok(slots.status < 500, `Slot?start=${date} → ${slots.status} ${slots.body}`);
        }
      },
    );

    await t.step("search bounds: 20 values and 10 repetitions pass, more are 400", () => {
      for (const call of calls) {
        if (!/^(ADMIN|CLINICIAN) (patient lookup|FHIR search):/.test(call.what)) continue;
        // 20 alternatives are searched; 10 repetitions too in FHIR (REST filters take one value).
        if (/: 20 comma-separated values$/.test(call.what)) {
          assert.equal(call.status, 200, call.what);
        }
        if (/FHIR search: 10 repetitions$/.test(call.what)) {
          assert.equal(call.status, 200, call.what);
        }
        if (/: (21 comma-separated values|11 repetitions|600 repetitions)$/.test(call.what)) {
          assert.equal(call.status, 400, call.what);
          const body = JSON.parse(call.body);
          if (call.what.includes("FHIR")) {
            assert.equal(body.resourceType, "OperationOutcome", call.what);
            assert.equal(body.issue[0].code, "invalid", call.what);
          } else {
            assert.equal(typeof body.message, "string", call.what);
          }
        }
      }
      for (const call of calls.filter((c) => c.what.includes("8,000"))) {
        assert.equal(call.status, 400, `${call.what}: ${call.body.slice(0, 200)}`);
        assert.match(call.body, /at most 20 comma-separated values/, call.what);
      }
    });

    await t.step("the costliest search within the bounds is answered", async () => {
      // 10 repetitions of 20 alternatives of 10 words for name, 10 × 20 for family and given: a
      // request line over the gateway's 8 KiB limit, so it is sent to the service directly. Its
      // time is printed, not asserted (speed is the benchmarks' business).
      const words = "a b c d e f g h i j";
      const repeat = (param: string, value: string) =>
        Array(10).fill(`${param}=${Array(20).fill(value).join(",")}`).join("&");
      const query = [repeat("name", words), repeat("family", "x"), repeat("given", "y")].join("&");
      for (const path of [`/fhir/R4/Patient?${query}`, `/patients?name=${words}`]) {
        const started = performance.now();
        const res = await fetch(`${h.system.urls.patient}${path}`, {
          headers: { authorization: `Bearer ${tokens.ADMIN}` },
        });
        const ms = performance.now() - started;
        await res.body?.cancel();
        assert.equal(res.status, 200, path.slice(0, 40));
        console.log(`${path.slice(0, 20)}… (${path.length} characters): ${ms.toFixed(0)} ms`);
      }
    });

    await t.step("each answered or denied call has exactly one stored record", async () => {
      const expected = calls.filter((c) => c.recorded);
      const ids = expected.map((c) => c.requestId);
      const counts = new Map<string, number>();
      try {
        await eventually("every call's record", async () => {
          const rows = await audit<{ request_id: string; n: number }[]>`
            select request_id, count(*)::int as n from audit_records
            where request_id = any(${ids}) group by request_id`;
          for (const row of rows) counts.set(row.request_id, row.n);
          return rows.length === ids.length ? true : undefined;
        }, 60_000);
      } catch {
        // Reported below, by call.
      }
      const missing = expected.filter((c) => counts.get(c.requestId) !== 1);
      assert.deepEqual(
        missing.map((c) => `${c.what} → ${c.status}: ${counts.get(c.requestId) ?? 0} records`),
        [],
        `${missing.length} of ${expected.length} calls without exactly one record`,
      );
    });

    await t.step("a read of 2,500 members is recorded in parts of at most 1,000", async () => {
      const requestId = crypto.randomUUID();
      const res = await h.call(`/api/groups/${big}`, {
        token: tokens.CLINICIAN,
        headers: { "X-Request-Id": requestId },
      });
      assert.equal(res.status, 200);
      assert.equal((await res.json()).members.length, 2_500);
      const rows = await eventually("the group read's records", async () => {
        const rows = await audit<{ action: string; outcome: string; patient_ids: string[] }[]>`
          select action, outcome, patient_ids::text[] from audit_records
          where request_id = ${requestId} order by seq`;
        const named = rows.reduce((n, r) => n + r.patient_ids.length, 0);
        return named >= 2_500 ? rows : undefined;
      });
      assert.ok(rows.length >= 3, `${rows.length} records`);
      for (const row of rows) {
        assert.equal(row.action, "group.read");
        assert.equal(row.outcome, "SUCCESS");
        assert.ok(row.patient_ids.length <= 1_000);
      }
      assert.deepEqual(
        rows.flatMap((r) => r.patient_ids).sort(),
        members.map((m) => m.id).sort(),
      );
      // The member's disclosures name the read.
      const member = members[1_700]!.id;
      const disclosures = await h.call(`/api/audit/patients/${member}/disclosures`, {
        token: tokens.AUDITOR,
      });
      const found: { requestId: string }[] = await disclosures.json();
      assert.ok(found.some((r) => r.requestId === requestId));
    });

    await t.step("the records keep what could be stored; the audit API finds them", async () => {
      const byWhat = (what: string) => calls.find((c) => c.what === what)!;
      const review = byWhat("BILLING FHIR search: the security review's NUL");
      assert.equal(review.status, 200);
      // Found through the API as its actor's search.
      const res = await h.call(
        `/api/audit?actor=${DEMO_USERS.BILLING[0]}&action=patient.search&size=100`,
        { token: tokens.AUDITOR },
      );
      const found: { requestId: string; patientIds: string[]; details: object }[] = await res
        .json();
      const record = found.find((r) => r.requestId === review.requestId);
      assert.ok(record, "the disclosure's record");
      assert.deepEqual(record.patientIds, [id]);
      assert.deepEqual(record.details, { api: "fhir", _id: id });
      const details = async (what: string) => {
        const [row] = await audit<{ details: Record<string, unknown> }[]>`
          select details from audit_records where request_id = ${byWhat(what).requestId}`;
        return row!.details;
      };
      assert.deepEqual(await details("FRONT_DESK users: NUL"), { search: "[invalid]" });
      assert.deepEqual(await details("ADMIN FHIR search: the text \\u0000 after a comma"), {
        api: "fhir",
        name: "john,\\u0000",
      });
      const long = (await details("FRONT_DESK users: a 6,000-character value")).search as string;
      assert.equal(long.length, 1_000);
      assert.match(long, /^x+…\[truncated\]$/);
    });

    await t.step(
      "the audit service stores a record for its content, never dead-letters it",
      async () => {
        // Messages as a producer without the shared rules would send them.
        const kafka = h.system.kafka!;
        const client = new Kafka({
          clientId: "t",
          brokers: kafka.brokers,
          logLevel: logLevel.NOTHING,
        });
        const producer = client.producer();
        await producer.connect();
        const base = {
          time: new Date().toISOString(),
          actor: { userId: null, email: "odd\u0000@example.com", role: null },
          action: "group.read",
          outcome: "SUCCESS",
          service: "patient",
          clientAddress: null,
          traceId: null,
        };
        const raw = {
          ...base,
          id: crypto.randomUUID(),
          requestId: crypto.randomUUID(),
          patientIds: members.map((m) => m.id),
          details: { nul: "a\u0000", surrogate: "\ud800", text: "\\u0000" },
        };
        const odd = {
          ...base,
          id: crypto.randomUUID(),
          requestId: crypto.randomUUID(),
          time: "2026-02-30T25:00:00Z",
          patientIds: ["not-a-uuid", id],
          details: "not an object",
        };
        // JSON.stringify writes the real NUL and the lone surrogate as the escapes \u0000 and
        // \ud800 (which PostgreSQL's jsonb refuses), the text \u0000 as \\u0000.
        const json = (record: object) => Buffer.from(JSON.stringify(record));
        try {
          await producer.send({
            topic: kafka.auditTopic,
            messages: [
              { key: raw.id, value: json(raw) },
              { key: odd.id, value: json(odd) },
              { key: "x", value: Buffer.from("not an audit record") },
            ],
          });
        } finally {
          await producer.disconnect();
        }
        const stored = await eventually("the raw record's parts", async () => {
          type Row = {
            patient_ids: string[];
            details: Record<string, unknown>;
            actor_email: string;
          };
          const rows = await audit<Row[]>`
          select patient_ids::text[], details, actor_email from audit_records
          where request_id = ${raw.requestId} order by seq`;
          return rows.length === 3 ? rows : undefined;
        });
        assert.deepEqual(stored.map((r) => r.patient_ids.length), [1_000, 1_000, 500]);
        assert.deepEqual(stored.map((r) => r.actor_email), Array(3).fill("[invalid]"));
        assert.deepEqual(stored[0]!.details, {
          nul: "[invalid]",
          surrogate: "[invalid]",
          text: "\\u0000",
          part: 1,
          parts: 3,
        });
        const [oddRow] = await eventually("the odd record", async () => {
          const rows = await audit<{ patient_ids: string[]; details: Record<string, unknown> }[]>`
          select patient_ids::text[], details from audit_records where request_id = ${odd.requestId}`;
          return rows.length === 1 ? rows : undefined;
        });
        assert.deepEqual(oddRow!.patient_ids, [id]);
        assert.deepEqual(oddRow!.details, {
          details: "[invalid]",
          invalidPatientIds: 1,
          recordedTime: "2026-02-30T25:00:00Z",
        });
      },
    );

    await t.step(
      "only what is no audit record was dead-lettered, and the chain verifies",
      async () => {
        const dead = h.system.logs("audit").filter((line) => line.includes("dead-letter"));
        assert.equal(dead.length, 1, dead.join("\n"));
        assert.match(dead[0]!, /not JSON/);
        const res = await h.call("/api/audit/verify", { token: tokens.AUDITOR });
        const report = await res.json();
        assert.equal(report.ok, true, JSON.stringify(report));
      },
    );
  } finally {
    await audit.end();
    await patients.end();
    await h.system.stop();
  }
});
