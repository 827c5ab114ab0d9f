/**
 * Patient groups (families) through the gateway, on real processes and a real database: the
 * lifecycle, members and their relationships, conflicts, unknown ids, role denials, soft-deleted
 * patients hidden and back on restore, Idempotency-Key, and 20 concurrent adds of one member.
 */
import assert from "node:assert/strict";
import { type Harness, newPatient, startHarness } from "./_system.ts";

const DEMO = "demo-password-2026";

async function loginAs(h: Harness, email: string, password = DEMO): Promise<string> {
  const res = await h.call("/auth/login", { method: "POST", body: { email, password } });
  assert.equal(res.status, 200, `login ${email}`);
  return (await res.json()).token;
}

async function json(res: Response) {
  const text = await res.text();
  return text ? JSON.parse(text) : undefined;
}

Deno.test("groups: lifecycle, members, conflicts, roles, soft delete, idempotency", async (t) => {
  const h = await startHarness();
  try {
    const admin = await h.login();
    const desk = await loginAs(h, "frontdesk@test.com");
    const billing = await loginAs(h, "billing@test.com");
    const auditor = await loginAs(h, "auditor@test.com");
    const patient = async (name: string) => {
      const res = await h.call("/api/patients", {
        method: "POST",
        token: desk,
        body: { ...newPatient(), name },
      });
      assert.equal(res.status, 201);
      return await res.json() as { id: string; name: string };
    };
    const [mother, child, father] = [
      await patient("Zoë Lovelace"),
      await patient("Ada Lovelace"),
      await patient("William King"),
    ];
    let groupId = "";

    await t.step("POST /api/groups → 201, Location, the group without members", async () => {
      const res = await h.call("/api/groups", {
        method: "POST",
        token: desk,
        body: { name: "The Lovelace family", kind: "FAMILY" },
      });
      assert.equal(res.status, 201);
      const group = await res.json();
      groupId = group.id;
      assert.match(groupId, /^[0-9a-f-]{36}$/);
      assert.equal(res.headers.get("Location"), `/api/groups/${groupId}`);
      assert.equal(group.name, "The Lovelace family");
      assert.equal(group.kind, "FAMILY");
      assert.deepEqual(group.members, []);
    });

    await t.step("members are added once each, with their relationship", async () => {
      for (const [p, relationship] of [[mother, "HEAD"], [child, "CHILD"], [father, "SPOUSE"]]) {
        const res = await h.call(`/api/groups/${groupId}/members`, {
          method: "POST",
          token: desk,
          body: { patientId: (p as { id: string }).id, relationship },
        });
        assert.equal(res.status, 201);
        assert.equal(
          res.headers.get("Location"),
          `/api/groups/${groupId}/members/${(p as { id: string }).id}`,
        );
        assert.deepEqual(await res.json(), {
          patientId: (p as { id: string }).id,
          name: (p as { name: string }).name,
          relationship,
        });
      }
      const again = await h.call(`/api/groups/${groupId}/members`, {
        method: "POST",
        token: desk,
        body: { patientId: child.id, relationship: "SIBLING" },
      });
      assert.equal(again.status, 409);
      assert.deepEqual(await again.json(), { message: "Patient is already a member" });
    });

    await t.step("GET /api/groups/{id} lists members by name", async () => {
      const res = await h.call(`/api/groups/${groupId}`, { token: desk });
      assert.equal(res.status, 200);
      const group = await res.json();
      assert.deepEqual(group.members.map((m: { name: string }) => m.name), [
        "Ada Lovelace",
        "William King",
        "Zoë Lovelace",
      ]);
      assert.deepEqual(group.members[0], {
        patientId: child.id,
        name: "Ada Lovelace",
        relationship: "CHILD",
      });
    });

    await t.step(
      "a patient is in any number of groups; GET /api/patients/{id}/groups",
      async () => {
        const other = await json(
          await h.call("/api/groups", {
            method: "POST",
            token: admin,
            body: { name: "Asthma clinic cohort", kind: "OTHER" },
          }),
        );
        const added = await h.call(`/api/groups/${other.id}/members`, {
          method: "POST",
          token: admin,
          body: { patientId: child.id, relationship: "OTHER" },
        });
        assert.equal(added.status, 201);
        await added.body?.cancel();
        const res = await h.call(`/api/patients/${child.id}/groups`, { token: desk });
        assert.equal(res.status, 200);
        assert.deepEqual(await res.json(), [
          { id: other.id, name: "Asthma clinic cohort", kind: "OTHER", relationship: "OTHER" },
          { id: groupId, name: "The Lovelace family", kind: "FAMILY", relationship: "CHILD" },
        ]);
        const none = await h.call(`/api/patients/${crypto.randomUUID()}/groups`, { token: desk });
        assert.equal(none.status, 404);
        assert.deepEqual(await none.json(), { message: "Patient not found" });
      },
    );

    await t.step(
      "GET /api/groups pages by name with memberCount and searches the name",
      async () => {
        const res = await h.call("/api/groups?size=1", { token: desk });
        assert.equal(res.status, 200);
        assert.equal(res.headers.get("X-Total-Count"), "2");
        const [first] = await res.json();
        assert.deepEqual(Object.keys(first).sort(), ["id", "kind", "memberCount", "name"]);
        assert.equal(first.name, "Asthma clinic cohort");
        assert.match(res.headers.get("Link") ?? "", /page=1&size=1>; rel="next"/);
        const found = await json(await h.call("/api/groups?search=LOVELACE", { token: desk }));
        assert.deepEqual(
          found.map((g: { name: string; memberCount: number }) => [
            g.name,
            g.memberCount,
          ]),
          [["The Lovelace family", 3]],
        );
      },
    );

    await t.step(
      "a soft-deleted patient leaves members and memberCount until restored",
      async () => {
        const deleted = await h.call(`/api/patients/${father.id}`, {
          method: "DELETE",
          token: admin,
        });
        assert.equal(deleted.status, 204);
        const group = await json(await h.call(`/api/groups/${groupId}`, { token: desk }));
        assert.deepEqual(group.members.map((m: { patientId: string }) => m.patientId), [
          child.id,
          mother.id,
        ]);
        const [listed] = await json(await h.call("/api/groups?search=Lovelace", { token: desk }));
        assert.equal(listed.memberCount, 2);
        const add = await h.call(`/api/groups/${groupId}/members`, {
          method: "POST",
          token: desk,
          body: { patientId: father.id, relationship: "SPOUSE" },
        });
        assert.equal(add.status, 404);
        assert.deepEqual(await add.json(), { message: "Patient not found" });
        const restored = await h.call(`/api/patients/${father.id}/restore`, {
          method: "POST",
          token: admin,
        });
        assert.equal(restored.status, 200);
        await restored.body?.cancel();
        const back = await json(await h.call(`/api/groups/${groupId}`, { token: desk }));
        assert.equal(back.members.length, 3);
        assert.equal(
          back.members.find((m: { patientId: string }) => m.patientId === father.id)?.relationship,
          "SPOUSE",
        );
      },
    );

    await t.step(
      "PATCH renames; DELETE of a member, then of the group (patients stay)",
      async () => {
        const renamed = await h.call(`/api/groups/${groupId}`, {
          method: "PATCH",
          token: desk,
          body: { name: "Lovelace-King household" },
        });
        assert.equal(renamed.status, 200);
        const group = await renamed.json();
        assert.equal(group.name, "Lovelace-King household");
        assert.equal(group.kind, "FAMILY");
        assert.equal(group.members.length, 3);

        const removed = await h.call(`/api/groups/${groupId}/members/${father.id}`, {
          method: "DELETE",
          token: desk,
        });
        assert.equal(removed.status, 204);
        const notMember = await h.call(`/api/groups/${groupId}/members/${father.id}`, {
          method: "DELETE",
          token: desk,
        });
        assert.equal(notMember.status, 404);
        assert.deepEqual(await notMember.json(), { message: "Patient is not a member" });

        const gone = await h.call(`/api/groups/${groupId}`, { method: "DELETE", token: desk });
        assert.equal(gone.status, 204);
        const read = await h.call(`/api/groups/${groupId}`, { token: desk });
        assert.equal(read.status, 404);
        assert.deepEqual(await read.json(), { message: "Group not found" });
        const still = await h.call(`/api/patients/${mother.id}`, { token: desk });
        assert.equal(still.status, 200, "deleting a group leaves its patients");
        await still.body?.cancel();
        const groups = await json(
          await h.call(`/api/patients/${mother.id}/groups`, { token: desk }),
        );
        assert.deepEqual(groups, []);
      },
    );

    await t.step("unknown ids → 404 with the contract's messages", async () => {
      const unknown = crypto.randomUUID();
      const cases: [string, { method?: string; body?: unknown }, string][] = [
        [`/api/groups/${unknown}`, {}, "Group not found"],
        [`/api/groups/${unknown}`, { method: "PATCH", body: { name: "x" } }, "Group not found"],
        [`/api/groups/${unknown}`, { method: "DELETE" }, "Group not found"],
        [
          `/api/groups/${unknown}/members`,
          { method: "POST", body: { patientId: mother.id, relationship: "HEAD" } },
          "Group not found",
        ],
        [`/api/groups/${unknown}/members/${mother.id}`, { method: "DELETE" }, "Group not found"],
      ];
      const live = await json(
        await h.call("/api/groups", {
          method: "POST",
          token: desk,
          body: { name: "Live", kind: "OTHER" },
        }),
      );
      cases.push(
        [
          `/api/groups/${live.id}/members`,
          { method: "POST", body: { patientId: unknown, relationship: "HEAD" } },
          "Patient not found",
        ],
        [`/api/groups/${live.id}/members/${unknown}`, { method: "DELETE" }, "Patient not found"],
      );
      for (const [path, init, message] of cases) {
        const res = await h.call(path, { ...init, token: desk });
        assert.equal(res.status, 404, `${init.method ?? "GET"} ${path}`);
        assert.deepEqual(await res.json(), { message });
      }
    });

    await t.step("bad input → 400 naming the field; malformed ids → 400", async () => {
      const cases: [string, { method: string; body?: unknown }, string][] = [
        ["/api/groups", { method: "POST", body: { kind: "FAMILY" } }, "name"],
        [
          "/api/groups",
          { method: "POST", body: { name: "x".repeat(101), kind: "FAMILY" } },
          "name",
        ],
        ["/api/groups", { method: "POST", body: { name: "  ", kind: "FAMILY" } }, "name"],
        ["/api/groups", { method: "POST", body: { name: "Fine", kind: "CLAN" } }, "kind"],
        ["/api/groups", { method: "POST", body: { name: "Fine" } }, "kind"],
      ];
      const g = await json(
        await h.call("/api/groups", {
          method: "POST",
          token: desk,
          body: { name: "Validation", kind: "OTHER" },
        }),
      );
      cases.push(
        [`/api/groups/${g.id}`, { method: "PATCH", body: { name: "" } }, "name"],
        [`/api/groups/${g.id}/members`, {
          method: "POST",
          body: { patientId: "nope", relationship: "HEAD" },
        }, "patientId"],
        [`/api/groups/${g.id}/members`, {
          method: "POST",
          body: { patientId: mother.id, relationship: "COUSIN" },
        }, "relationship"],
        [
          `/api/groups/${g.id}/members`,
          { method: "POST", body: { patientId: mother.id } },
          "relationship",
        ],
      );
      for (const [path, init, field] of cases) {
        const res = await h.call(path, { ...init, token: desk });
        assert.equal(res.status, 400, `${init.method} ${path} ${JSON.stringify(init.body)}`);
        const body = await res.json();
        assert.equal(typeof body[field], "string", JSON.stringify(body));
      }
      for (
        const path of [
          "/api/groups/not-a-uuid",
          `/api/groups/not-a-uuid/members/${mother.id}`,
          `/api/groups/${g.id}/members/not-a-uuid`,
          "/api/patients/not-a-uuid/groups",
        ]
      ) {
        const res = await h.call(path, {
          method: path.includes("/members/") ? "DELETE" : "GET",
          token: desk,
        });
        assert.equal(res.status, 400, path);
        assert.equal(typeof (await res.json()).message, "string");
      }
      const bad = await h.call("/api/groups?size=0", { token: desk });
      assert.equal(bad.status, 400);
      await bad.body?.cancel();
    });

    await t.step("BILLING and AUDITOR get 403 for every group call, even unknown ids", async () => {
      const unknown = crypto.randomUUID();
      const calls: [string, { method?: string; body?: unknown }][] = [
        ["/api/groups", {}],
        ["/api/groups", { method: "POST", body: { name: "No", kind: "OTHER" } }],
        [`/api/groups/${unknown}`, {}],
        [`/api/groups/${unknown}`, { method: "PATCH", body: { name: "No" } }],
        [`/api/groups/${unknown}`, { method: "DELETE" }],
        [`/api/groups/${unknown}/members`, {
          method: "POST",
          body: { patientId: unknown, relationship: "HEAD" },
        }],
        [`/api/groups/${unknown}/members/${unknown}`, { method: "DELETE" }],
        [`/api/patients/${mother.id}/groups`, {}],
        ["/api/groups/not-a-uuid", {}],
      ];
      for (const token of [billing, auditor]) {
        for (const [path, init] of calls) {
          const res = await h.call(path, { ...init, token });
          assert.equal(res.status, 403, `${init.method ?? "GET"} ${path}`);
          assert.deepEqual(await res.json(), { message: "Forbidden" });
        }
      }
      const anonymous = await h.call("/api/groups");
      assert.equal(anonymous.status, 401);
      await anonymous.body?.cancel();
    });

    await t.step("Idempotency-Key replays a group's creation instead of repeating it", async () => {
      const send = () =>
        h.call("/api/groups", {
          method: "POST",
          token: desk,
          body: { name: "Once only", kind: "FAMILY" },
          headers: { "Idempotency-Key": "group-once-1" },
        });
      const first = await send();
      assert.equal(first.status, 201);
      const created = await first.json();
      const second = await send();
      assert.equal(second.status, 201);
      assert.equal(second.headers.get("Idempotent-Replayed"), "true");
      assert.equal(second.headers.get("Location"), `/api/groups/${created.id}`);
      assert.deepEqual(await second.json(), created);
      const listed = await json(await h.call("/api/groups?search=Once%20only", { token: desk }));
      assert.equal(listed.length, 1);
    });

    await t.step("20 concurrent adds of one member → one 201, the rest 409", async () => {
      const g = await json(
        await h.call("/api/groups", {
          method: "POST",
          token: desk,
          body: { name: "Race", kind: "OTHER" },
        }),
      );
      const statuses = await Promise.all(
        Array.from({ length: 20 }, async () => {
          const res = await h.call(`/api/groups/${g.id}/members`, {
            method: "POST",
            token: desk,
            body: { patientId: mother.id, relationship: "OTHER" },
          });
          await res.body?.cancel();
          return res.status;
        }),
      );
      assert.equal(statuses.filter((s) => s === 201).length, 1, String(statuses));
      assert.equal(statuses.filter((s) => s === 409).length, 19, String(statuses));
      const read = await json(await h.call(`/api/groups/${g.id}`, { token: desk }));
      assert.equal(read.members.length, 1);
    });
  } finally {
    await h.system.stop();
  }
});
