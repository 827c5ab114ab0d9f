// deno-lint-ignore-file no-console
/**
 * The audit trail through the gateway, on real processes, databases and a real broker: one record
 * per audited call with its actor, action, outcome and patients; reads recorded before they are
 * answered (kill -9 under load loses none); records waiting out a broker outage and arriving
 * once; an append-only, hash-chained store whose tampering `/verify` finds; AUDITOR and ADMIN
 * only.
 */
import assert from "node:assert/strict";
import postgres from "postgres";
import { catalog } from "../services/catalog.ts";
import {
  DEMO_USERS,
  type DemoRole,
  eventually,
  type Harness,
  newPatient,
  ownBroker,
  startHarness,
} from "./_system.ts";

const ALL = catalog.services.map((s) => s.name);
const USERS = DEMO_USERS;
type Role = DemoRole;

interface Stored {
  id: string;
  seq: number;
  actor: { userId: string | null; email: string; role: string | null } | null;
  action: string;
  outcome: string;
  patientIds: string[];
  service: string;
  requestId: string | null;
  details: Record<string, unknown>;
  hash: string;
}

async function loginAll(h: Harness) {
  const tokens = {} as Record<Role, string>;
  const ids = {} as Record<Role, string>;
  for (const [role, [email, password]] of Object.entries(USERS) as [Role, readonly string[]][]) {
    const res = await h.call("/auth/login", { method: "POST", body: { email, password } });
    assert.equal(res.status, 200, `login ${role}`);
    tokens[role] = (await res.json()).token;
    const me = await h.call("/auth/me", { token: tokens[role] });
    ids[role] = (await me.json()).id;
  }
  return { tokens, ids };
}

/** The audit database's records of one request id, as the API shows them. */
function recordsOf(sql: postgres.Sql, requestId: string): Promise<Stored[]> {
  return sql<{ j: Stored }[]>`
    select json_build_object('id', id, 'seq', seq, 'action', action, 'outcome', outcome,
      'actor', case when actor_email is null then null else json_build_object(
        'userId', actor_user_id, 'email', actor_email, 'role', actor_role) end,
      'patientIds', to_json(patient_ids), 'service', service, 'requestId', request_id,
      'details', details, 'hash', hash) as j
    from audit_records where request_id = ${requestId} order by seq`.then((rows) =>
    rows.map((r) => r.j)
  );
}

/** Waits for the request's record, then a moment more, and expects exactly one. */
async function theRecordOf(sql: postgres.Sql, requestId: string): Promise<Stored> {
  await eventually(`audit record of ${requestId}`, async () => {
    const rows = await recordsOf(sql, requestId);
    return rows.length > 0 ? rows : undefined;
  }, 15_000);
  await new Promise((r) => setTimeout(r, 300));
  const rows = await recordsOf(sql, requestId);
  assert.equal(rows.length, 1, `exactly one record for ${requestId}: ${JSON.stringify(rows)}`);
  return rows[0]!;
}

Deno.test("audit: each audited call through the gateway leaves exactly one record", async (t) => {
  const h = await startHarness({ services: ALL });
  const sql = postgres(h.system.databaseUrls.audit!, { max: 2, onnotice: () => {} });
  try {
    const { tokens, ids } = await loginAll(h);
    /** Calls with a fresh request id and returns it with the status and body. */
    const call = async (
      role: Role | undefined,
      path: string,
      init: { method?: string; body?: unknown; headers?: Record<string, string> } = {},
    ) => {
      const requestId = crypto.randomUUID();
      const res = await h.call(path, {
        ...init,
        token: role && tokens[role],
        headers: { "X-Request-Id": requestId, ...init.headers },
      });
      const text = await res.text();
      return { requestId, status: res.status, body: text ? JSON.parse(text) : undefined };
    };

    const created = await call("CLINICIAN", "/api/patients", {
      method: "POST",
      body: newPatient(),
    });
    assert.equal(created.status, 201);
    const id: string = created.body.id;
    const unknown = crypto.randomUUID();
    const group = await call("FRONT_DESK", "/api/groups", {
      method: "POST",
      body: { name: "Audit family", kind: "FAMILY" },
    });
    assert.equal(group.status, 201);
    const groupId: string = group.body.id;

    await eventually("billing account", async () => {
      const res = await h.call(`/api/billing/accounts/${id}`, { token: tokens.BILLING });
      await res.body?.cancel();
      return res.status === 200 ? true : undefined;
    });

    // [who, path, init, status, action, outcome, patientIds, details to find]
    const cases: [
      Role | undefined,
      string,
      { method?: string; body?: unknown; headers?: Record<string, string> },
      number,
      string,
      string,
      string[] | "page" | "dups",
      Record<string, unknown>?,
    ][] = [
      ["FRONT_DESK", `/api/patients/${id}`, {}, 200, "patient.read", "SUCCESS", [id]],
      ["BILLING", `/api/patients/${unknown}`, {}, 404, "patient.read", "FAILED", [unknown]],
      ["AUDITOR", `/api/patients/${id}`, {}, 403, "patient.read", "DENIED", [id]],
      [
        "CLINICIAN",
        "/api/patients?search=Test&size=5",
        {},
        200,
        "patient.search",
        "SUCCESS",
        "page",
        {
          search: "Test",
          size: 5,
        },
      ],
      [
        "CLINICIAN",
        `/api/patients/${id}`,
        { method: "PUT", body: { ...newPatient(), address: "2 Audit Road" } },
        200,
        "patient.update",
        "SUCCESS",
        [id],
      ],
      [
        "FRONT_DESK",
        `/api/patients/${id}`,
        {
          method: "PATCH",
          body: JSON.stringify({ address: "3 Audit Road" }),
          headers: { "Content-Type": "application/merge-patch+json" },
        },
        200,
        "patient.patch",
        "SUCCESS",
        [id],
        { fields: ["address"] },
      ],
      [
        "CLINICIAN",
        `/api/patients/${id}`,
        {
          method: "PUT",
          body: { ...newPatient(), address: "4 Audit Road" },
          headers: {
            "If-Match": 'W/"1"',
          },
        },
        412,
        "patient.update",
        "FAILED",
        [id],
      ],
      ["CLINICIAN", `/api/patients/${id}/history`, {}, 200, "patient.history", "SUCCESS", [id]],
      ["FRONT_DESK", `/api/patients/${id}/history`, {}, 403, "patient.history", "DENIED", [id]],
      ["ADMIN", `/api/patients/${id}`, { method: "DELETE" }, 204, "patient.delete", "SUCCESS", [
        id,
      ]],
      ["ADMIN", "/api/patients/deleted", {}, 200, "patient.search", "SUCCESS", "page"],
      [
        "ADMIN",
        `/api/patients/${id}/restore`,
        { method: "POST" },
        200,
        "patient.restore",
        "SUCCESS",
        [
          id,
        ],
      ],
      ["BILLING", `/api/billing/accounts/${id}`, {}, 200, "billing.read", "SUCCESS", [id]],
      ["CLINICIAN", `/api/billing/accounts/${id}`, {}, 403, "billing.read", "DENIED", [id]],
      ["CLINICIAN", `/api/notifications?patientId=${id}`, {}, 200, "notification.read", "SUCCESS", [
        id,
      ]],
      ["CLINICIAN", "/api/analytics/summary", {}, 403, "analytics.read", "DENIED", []],
      ["AUDITOR", `/api/audit?patientId=${id}`, {}, 200, "audit.read", "SUCCESS", [id]],
      [
        "AUDITOR",
        `/api/audit/patients/${id}/disclosures`,
        {},
        200,
        "audit.disclosures",
        "SUCCESS",
        [
          id,
        ],
      ],
      ["ADMIN", "/api/audit/verify", {}, 200, "audit.verify", "SUCCESS", []],
      ["CLINICIAN", "/api/audit", {}, 403, "audit.read", "DENIED", []],
      ["ADMIN", "/auth/users?size=5", {}, 200, "user.search", "SUCCESS", []],
      ["FRONT_DESK", "/auth/users", {}, 403, "user.search", "DENIED", []],
      [
        undefined,
        "/auth/login",
        {
          method: "POST",
          body: { email: "clinician@test.com", password: "wrong-password-1" },
        },
        401,
        "auth.login",
        "DENIED",
        [],
        { email: "clinician@test.com" },
      ],
      [
        "FRONT_DESK",
        `/api/patients/${id}/duplicates`,
        {},
        200,
        "patient.duplicates",
        "SUCCESS",
        "dups",
      ],
      ["AUDITOR", `/api/patients/${id}/duplicates`, {}, 403, "patient.duplicates", "DENIED", [id]],
      ["CLINICIAN", "/api/groups?search=Audit", {}, 200, "group.search", "SUCCESS", [], {
        search: "Audit",
      }],
      [
        "FRONT_DESK",
        `/api/groups/${groupId}/members`,
        { method: "POST", body: { patientId: id, relationship: "HEAD" } },
        201,
        "group.member.add",
        "SUCCESS",
        [id],
        { groupId, relationship: "HEAD" },
      ],
      ["CLINICIAN", `/api/groups/${groupId}`, {}, 200, "group.read", "SUCCESS", [id], { groupId }],
      ["FRONT_DESK", `/api/patients/${id}/groups`, {}, 200, "group.search", "SUCCESS", [id]],
      ["BILLING", `/api/groups/${groupId}`, {}, 403, "group.read", "DENIED", []],
      [
        "CLINICIAN",
        `/api/groups/${groupId}`,
        { method: "PATCH", body: { name: "Audit household" } },
        200,
        "group.update",
        "SUCCESS",
        [],
        { groupId, fields: ["name"] },
      ],
      [
        "CLINICIAN",
        `/api/groups/${groupId}/members/${id}`,
        { method: "DELETE" },
        204,
        "group.member.remove",
        "SUCCESS",
        [id],
        { groupId },
      ],
      ["ADMIN", `/api/groups/${groupId}`, { method: "DELETE" }, 204, "group.delete", "SUCCESS", []],
      [
        "BILLING",
        `/api/billing/accounts/${id}/charges`,
        {
          method: "POST",
          body: {
            code: "99213",
            description: "Audit visit",
            amount: { amount: 5000, currency: "USD" },
            serviceDate: "2026-01-02",
          },
        },
        201,
        "billing.charge.create",
        "SUCCESS",
        [id],
      ],
      ["BILLING", `/api/billing/accounts/${id}/statement`, {}, 200, "billing.read", "SUCCESS", [
        id,
      ]],
      [
        "FRONT_DESK",
        `/api/billing/accounts/${id}/charges`,
        {},
        403,
        "billing.read",
        "DENIED",
        [id],
      ],
    ];

    await t.step("the create was recorded with its change, naming the new patient", async () => {
      const r = await theRecordOf(sql, created.requestId);
      assert.equal(r.action, "patient.create");
      assert.equal(r.outcome, "SUCCESS");
      assert.deepEqual(r.patientIds, [id]);
      assert.deepEqual(r.actor, {
        userId: ids.CLINICIAN,
        email: USERS.CLINICIAN[0],
        role: "CLINICIAN",
      });
      assert.equal(r.service, "patient");
    });

    await t.step("a group's creation was recorded with it", async () => {
      const r = await theRecordOf(sql, group.requestId);
      assert.equal(r.action, "group.create");
      assert.equal(r.outcome, "SUCCESS");
      assert.deepEqual(r.details.groupId, groupId);
    });

    for (const [role, path, init, status, action, outcome, patients, details] of cases) {
      await t.step(
        `${role ?? "anyone"} ${init.method ?? "GET"} ${path} → ${action} ${outcome}`,
        async () => {
          const res = await call(role, path, init);
          assert.equal(res.status, status, JSON.stringify(res.body));
          const r = await theRecordOf(sql, res.requestId);
          assert.equal(r.action, action);
          assert.equal(r.outcome, outcome);
          if (role) {
            assert.deepEqual(r.actor, { userId: ids[role], email: USERS[role][0], role });
          } else {
            assert.equal(r.actor, null);
          }
          if (patients === "page") {
            const page = Array.isArray(res.body) ? res.body.map((p: { id: string }) => p.id) : [];
            assert.deepEqual([...r.patientIds].sort(), [...page].sort());
          } else if (patients === "dups") {
            // The patient asked about, then the candidates shown.
            const shown = res.body.map((d: { patient: { id: string } }) => d.patient.id);
            assert.deepEqual(r.patientIds, [id, ...shown]);
          } else {
            assert.deepEqual(r.patientIds, patients);
          }
          for (const [key, value] of Object.entries(details ?? {})) {
            assert.deepEqual(r.details[key], value, `details.${key}`);
          }
        },
      );
    }

    await t.step("no patient data in any service's logs", () => {
      for (const name of ALL) {
        const logs = h.system.logs(name).join("\n");
        assert.equal(logs.includes("Audit Road"), false, `${name} logs an address`);
      }
    });

    await t.step("searching: filters, prefix actions, paging headers; disclosures", async () => {
      const res = await h.call(`/api/audit?patientId=${id}&action=patient.*&size=2`, {
        token: tokens.AUDITOR,
      });
      assert.equal(res.status, 200);
      const page: Stored[] = await res.json();
      assert.equal(page.length, 2);
      assert.ok(Number(res.headers.get("X-Total-Count")) >= 8);
      assert.match(res.headers.get("Link") ?? "", /action=patient\.\*/);
      for (const r of page) {
        assert.ok(r.action.startsWith("patient."));
        assert.ok(r.patientIds.includes(id));
        assert.match(r.hash, /^[0-9a-f]{64}$/);
      }
      assert.ok(page[0]!.seq > page[1]!.seq, "newest first");
      const byActor = await (await h.call(
        `/api/audit?actor=${encodeURIComponent(USERS.FRONT_DESK[0])}&outcome=DENIED`,
        { token: tokens.ADMIN },
      )).json();
      assert.ok(byActor.length >= 2);
      assert.ok(
        byActor.every((r: Stored) => r.actor?.role === "FRONT_DESK" && r.outcome === "DENIED"),
      );
      const sameById = await (await h.call(`/api/audit?actor=${ids.FRONT_DESK}&outcome=DENIED`, {
        token: tokens.ADMIN,
      })).json();
      assert.deepEqual(sameById.map((r: Stored) => r.id), byActor.map((r: Stored) => r.id));
      const disclosures: Stored[] = await (await h.call(
        `/api/audit/patients/${id}/disclosures`,
        { token: tokens.AUDITOR },
      )).json();
      assert.ok(disclosures.length > 0);
      assert.ok(disclosures.every((r) => r.outcome === "SUCCESS" && r.patientIds.includes(id)));
      assert.ok(
        disclosures.some((r) => r.action === "patient.read" && r.actor?.role === "FRONT_DESK"),
      );
      for (
        const bad of [
          "patientId=nope",
          "outcome=MAYBE",
          "from=yesterday",
          "size=0",
          "action=PATIENT",
        ]
      ) {
        const res = await h.call(`/api/audit?${bad}`, { token: tokens.AUDITOR });
        assert.equal(res.status, 400, bad);
        assert.equal(typeof (await res.json()).message, "string");
      }
      const write = await h.call("/api/audit", { method: "POST", token: tokens.ADMIN, body: {} });
      assert.equal(write.status, 405);
      await write.body?.cancel();
    });

    await t.step(
      "append-only: the service's own login cannot UPDATE, DELETE or TRUNCATE, nor grant itself to",
      async () => {
        const own = postgres(h.system.loginUrls.audit!, { max: 1, onnotice: () => {} });
        try {
          await own`grant delete on audit_records to current_user`.catch(() => {});
          for (
            const statement of [
              "update audit_records set action = 'x'",
              "delete from audit_records where seq = (select max(seq) from audit_records)",
              "truncate audit_records",
            ]
          ) {
            await assert.rejects(own.unsafe(statement), /append-only|permission denied/, statement);
          }
        } finally {
          await own.end();
        }
        // The owner itself is held by the triggers (a superuser here, who could switch them off).
        for (
          const statement of [
            "update audit_records set action = 'x'",
            "delete from audit_records",
            "truncate audit_records",
          ]
        ) {
          await assert.rejects(sql.unsafe(statement), /append-only|permission denied/, statement);
        }
      },
    );

    await t.step("verify: intact, then a row altered behind the triggers is named", async () => {
      const before = await (await h.call("/api/audit/verify", { token: tokens.AUDITOR })).json();
      assert.equal(before.ok, true);
      assert.ok(before.records > cases.length);
      assert.match(before.lastHash, /^[0-9a-f]{64}$/);
      assert.equal("firstBadId" in before, false);
      // A superuser switching the triggers off for its session and editing one record.
      const [victim] = await sql<{ id: string }[]>`
        select id::text from audit_records order by seq offset 3 limit 1`;
      await sql.begin(async (tx) => {
        await tx`set local session_replication_role = replica`;
        await tx`update audit_records set outcome = 'SUCCESS', action = 'patient.read'
                 where id = ${victim!.id}`;
      });
      const after = await (await h.call("/api/audit/verify", { token: tokens.AUDITOR })).json();
      assert.equal(after.ok, false);
      assert.equal(after.firstBadId, victim!.id);
    });
  } finally {
    await sql.end();
    await h.system.stop();
  }
});

Deno.test("audit durability: kill -9 under a read load loses no record of an answered read", async () => {
  const h = await startHarness({ services: ALL });
  const sql = postgres(h.system.databaseUrls.audit!, { max: 2, onnotice: () => {} });
  try {
    const { tokens } = await loginAll(h);
    const created = await h.call("/api/patients", {
      method: "POST",
      token: tokens.CLINICIAN,
      body: newPatient(),
    });
    const { id } = await created.json();
    const answered: string[] = [];
    let stop = false;
    const reader = async () => {
      while (!stop) {
        const requestId = crypto.randomUUID();
        try {
          const res = await h.call(`/api/patients/${id}`, {
            token: tokens.FRONT_DESK,
            headers: { "X-Request-Id": requestId },
          });
          await res.body?.cancel();
          if (res.status === 200) answered.push(requestId);
        } catch {
          // The connection died with the process: not answered.
        }
      }
    };
    const readers = Array.from({ length: 16 }, reader);
    await new Promise((r) => setTimeout(r, 1_500));
    await h.system.stopService("patient", "SIGKILL");
    stop = true;
    await Promise.all(readers);
    assert.ok(answered.length > 50, `reads answered before the kill: ${answered.length}`);
    await h.system.startService("patient");
    const missing = await eventually("every answered read's record", async () => {
      const rows = await sql<{ request_id: string; n: number }[]>`
        select request_id, count(*)::int as n from audit_records
        where request_id = any(${answered}) group by request_id`;
      if (rows.length < answered.length) return undefined;
      return rows.filter((r) => r.n !== 1);
    }, 60_000);
    assert.deepEqual(missing, [], "each answered read recorded exactly once");
    console.log(`durability: ${answered.length} reads answered before kill -9, all recorded once`);
  } finally {
    await sql.end();
    await h.system.stop();
  }
});

Deno.test("audit: records wait in the outboxes while the broker is down and arrive once", async () => {
  const kafka = await ownBroker();
  if (!kafka) return console.log("skipped: the broker in use cannot be stopped");
  const h = await startHarness({ services: ALL, kafkaBrokers: kafka.brokers });
  const sql = postgres(h.system.databaseUrls.audit!, { max: 2, onnotice: () => {} });
  const patientDb = postgres(h.system.databaseUrls.patient!, { max: 1, onnotice: () => {} });
  try {
    const { tokens } = await loginAll(h);
    const created = await h.call("/api/patients", {
      method: "POST",
      token: tokens.CLINICIAN,
      body: newPatient(),
    });
    const { id } = await created.json();
    await kafka.pause!();
    const requestIds = Array.from({ length: 40 }, () => crypto.randomUUID());
    for (const requestId of requestIds) {
      const res = await h.call(`/api/patients/${id}`, {
        token: tokens.CLINICIAN,
        headers: { "X-Request-Id": requestId },
      });
      assert.equal(res.status, 200, "reads are answered while the broker is down");
      await res.body?.cancel();
    }
    const [queued] = await patientDb<{ n: number }[]>`
      select coalesce(sum(length(records) - length(replace(records, E'\n', ''))), 0)::int as n
      from audit_outbox`;
    assert.ok(queued!.n >= 40, `records waiting in the patient outbox: ${queued!.n}`);
    await kafka.resume!();
    const rows = await eventually("all 40 records stored", async () => {
      const rows = await sql<{ n: number }[]>`
        select count(*)::int as n from audit_records where request_id = any(${requestIds})
        group by request_id`;
      return rows.length === 40 ? rows : undefined;
    }, 60_000);
    assert.ok(rows.every((r) => r.n === 1), "each once");
    await eventually("patient outbox drained", async () => {
      const [left] = await patientDb<{ n: number }[]>`select count(*)::int as n from audit_outbox`;
      return left!.n === 0 ? true : undefined;
    });
  } finally {
    await sql.end();
    await patientDb.end();
    await h.system.stop();
    await kafka.stop();
  }
});
