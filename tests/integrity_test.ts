/**
 * Record integrity through the gateway: versions and ETags, lost-update protection (If-Match),
 * merge patches, history, soft delete and restore, Idempotency-Key on create, and consumers that
 * apply one patient's events in version order.
 */
import assert from "node:assert/strict";
import { Kafka, logLevel } from "kafkajs";
import postgres from "postgres";
import { encodePatientEvent, type PatientEvent } from "@pms/events";
import { eventually, type Harness, newPatient, startHarness } from "./_system.ts";

const ALL = ["auth", "billing", "patient", "analytics", "notification", "gateway"];

async function createPatient(h: Harness, token: string, body = newPatient()) {
  const res = await h.call("/api/patients", { method: "POST", token, body });
  assert.equal(res.status, 201);
  return await res.json();
}

function patch(h: Harness, token: string, id: string, body: unknown, headers = {}) {
  return h.call(`/api/patients/${id}`, {
    method: "PATCH",
    token,
    body: JSON.stringify(body),
    headers: { "Content-Type": "application/merge-patch+json", ...headers },
  });
}

Deno.test("integrity: versions, If-Match, PATCH, history, soft delete, restore, Idempotency-Key", async (t) => {
  const h = await startHarness({ services: ALL });
  const sql = postgres(h.system.databaseUrls.patient!, { max: 2, onnotice: () => {} });
  try {
    const token = await h.login();

    await t.step("a patient has version 1, updatedAt and ETag; If-None-Match → 304", async () => {
      const p = await createPatient(h, token);
      assert.equal(p.version, 1);
      assert.match(p.updatedAt, /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z$/);
      const read = await h.call(`/api/patients/${p.id}`, { token });
      assert.equal(read.headers.get("ETag"), 'W/"1"');
      await read.body?.cancel();
      const same = await h.call(`/api/patients/${p.id}`, {
        token,
        headers: { "If-None-Match": 'W/"1"' },
      });
      assert.equal(same.status, 304);
      assert.equal(await same.text(), "");
      const other = await h.call(`/api/patients/${p.id}`, {
        token,
        headers: { "If-None-Match": '"7"' },
      });
      assert.equal(other.status, 200);
      await other.body?.cancel();
      const john =
        await (await h.call("/api/patients/123e4567-e89b-12d3-a456-426614174000", { token }))
          .json();
      assert.equal(john.version, 1, "seeded patients start at version 1");
    });

    await t.step(
      "20 concurrent PUTs with one If-Match: one 200, nineteen 412, history +1",
      async () => {
        const p = await createPatient(h, token);
        const statuses = await Promise.all(
          Array.from({ length: 20 }, (_, i) =>
            h.call(`/api/patients/${p.id}`, {
              method: "PUT",
              token,
              headers: { "If-Match": 'W/"1"' },
              body: { ...p, name: `Writer ${i}` },
            }).then(async (r) => {
              const body = await r.json();
              if (r.status === 412) {
                assert.deepEqual(body, { message: "Patient was changed by someone else" });
                assert.equal(r.headers.get("ETag"), 'W/"2"');
              }
              return r.status;
            })),
        );
        assert.equal(statuses.filter((s) => s === 200).length, 1, String(statuses));
        assert.equal(statuses.filter((s) => s === 412).length, 19);
        const history = await (await h.call(`/api/patients/${p.id}/history`, { token })).json();
        assert.deepEqual(history.map((e: { version: number }) => e.version), [2, 1]);
        assert.deepEqual(history.map((e: { change: string }) => e.change), ["UPDATED", "CREATED"]);
        assert.equal(history[0].changedBy, "testuser@test.com");
        const malformed = await h.call(`/api/patients/${p.id}`, {
          method: "PUT",
          token,
          headers: { "If-Match": "2" },
          body: p,
        });
        assert.equal(malformed.status, 400);
        await malformed.body?.cancel();
      },
    );

    await t.step(
      "PATCH: merge patch, null removes (then required), unchanged keeps the version",
      async () => {
        const p = await createPatient(h, token);
        const renamed = await patch(h, token, p.id, { name: "Patched Name", version: 99 });
        assert.equal(renamed.status, 200);
        assert.equal(renamed.headers.get("ETag"), 'W/"2"');
        const body = await renamed.json();
        assert.equal(body.name, "Patched Name");
        assert.equal(body.email, p.email);
        const same = await patch(h, token, p.id, { name: "Patched Name" });
        assert.equal(
          (await same.json()).version,
          2,
          "a patch that changes nothing is no new version",
        );
        for (
          const [field, message] of [
            ["registeredDate", "Registered date is required"],
            ["name", "Name is required"],
          ]
        ) {
          const res = await patch(h, token, p.id, { [field!]: null });
          assert.equal(res.status, 400);
          assert.deepEqual(await res.json(), { [field!]: message });
        }
        const wrongType = await h.call(`/api/patients/${p.id}`, {
          method: "PATCH",
          token,
          body: { name: "X" },
        });
        assert.equal(wrongType.status, 415);
        await wrongType.body?.cancel();
        const stale = await patch(h, token, p.id, { name: "Stale" }, { "If-Match": 'W/"1"' });
        assert.equal(stale.status, 412);
        await stale.body?.cancel();
        // Without If-Match no PATCH is refused for a concurrent change: 20 at once all apply.
        const busy = await createPatient(h, token);
        const answers = await Promise.all(
          Array.from(
            { length: 20 },
            (_, i) => patch(h, token, busy.id, { address: `${i} Concurrent Street` }),
          ),
        );
        assert.deepEqual(answers.map((a) => a.status), answers.map(() => 200));
        await Promise.all(answers.map((a) => a.body?.cancel()));
        const busyHistory = await h.call(`/api/patients/${busy.id}/history?size=50`, { token });
        assert.equal((await busyHistory.json()).length, 21, "created + 20 patches");
        // 400 before 404 and 412 (the contract's order): a bad patch is refused unread.
        for (
          const [id, headers] of [
            [crypto.randomUUID(), {}],
            [p.id, { "If-Match": 'W/"1"' }],
          ] as const
        ) {
          const bad = await patch(h, token, id, { name: null, email: "not an email" }, headers);
          assert.equal(bad.status, 400);
          assert.deepEqual(await bad.json(), {
            name: "Name is required",
            email: "Email should be valid",
          });
        }
        const history = await (await h.call(`/api/patients/${p.id}/history`, { token })).json();
        assert.equal(history.length, 2);
      },
    );

    await t.step(
      "delete hides, restore brings back; history shows DELETED and RESTORED",
      async () => {
        const p = await createPatient(h, token);
        assert.equal(
          (await h.call(`/api/patients/${p.id}`, { method: "DELETE", token })).status,
          204,
        );
        const gone = await h.call(`/api/patients/${p.id}`, { token });
        assert.equal(gone.status, 404);
        assert.deepEqual(await gone.json(), { message: "Patient not found" });
        const listed =
          await (await h.call(`/api/patients?search=${encodeURIComponent(p.email)}`, { token }))
            .json();
        assert.deepEqual(listed, []);
        const deleted =
          await (await h.call(`/api/patients/deleted?search=${encodeURIComponent(p.email)}`, {
            token,
          })).json();
        assert.equal(deleted.length, 1);
        assert.equal(deleted[0].deletedBy, "testuser@test.com");
        assert.ok(deleted[0].deletedAt);
        const restored = await h.call(`/api/patients/${p.id}/restore`, { method: "POST", token });
        assert.equal(restored.status, 200);
        assert.equal(restored.headers.get("ETag"), 'W/"3"');
        assert.equal((await restored.json()).id, p.id);
        assert.equal((await h.call(`/api/patients/${p.id}`, { token })).status, 200);
        const again = await h.call(`/api/patients/${p.id}/restore`, { method: "POST", token });
        assert.equal(again.status, 409);
        assert.deepEqual(await again.json(), { message: "Patient is not deleted" });
        const history = await (await h.call(`/api/patients/${p.id}/history`, { token })).json();
        assert.deepEqual(history.map((e: { change: string }) => e.change), [
          "RESTORED",
          "DELETED",
          "CREATED",
        ]);
      },
    );

    await t.step("delete, re-create with the same email, restore the old one → 409", async () => {
      const body = newPatient();
      const old = await createPatient(h, token, body);
      assert.equal(
        (await h.call(`/api/patients/${old.id}`, { method: "DELETE", token })).status,
        204,
      );
      const fresh = await createPatient(h, token, body);
      assert.notEqual(fresh.id, old.id);
      const res = await h.call(`/api/patients/${old.id}/restore`, { method: "POST", token });
      assert.equal(res.status, 409);
      assert.deepEqual(await res.json(), { message: "Email address already exists" });
    });

    await t.step(
      "Idempotency-Key: replay, another body 422, 20 concurrent → one patient",
      async () => {
        const body = newPatient();
        const key = `create-${crypto.randomUUID()}`;
        const post = (payload: unknown) =>
          h.call("/api/patients", {
            method: "POST",
            token,
            body: payload,
            headers: { "Idempotency-Key": key },
          });
        const first = await post(body);
        assert.equal(first.status, 201);
        const created = await first.json();
        const replayed = await post({ ...body });
        assert.equal(replayed.status, 201);
        assert.equal(replayed.headers.get("Idempotent-Replayed"), "true");
        assert.equal(replayed.headers.get("Location"), first.headers.get("Location"));
        assert.equal((await replayed.json()).id, created.id);
        const other = await post({ ...body, name: "Somebody Else" });
        assert.equal(other.status, 422);
        assert.deepEqual(await other.json(), {
          message: "Idempotency-Key reused with a different request",
        });
        const bad = await h.call("/api/patients", {
          method: "POST",
          token,
          body: newPatient(),
          headers: { "Idempotency-Key": "" },
        });
        assert.equal(bad.status, 400);
        await bad.body?.cancel();

        const burst = newPatient();
        const burstKey = `burst-${crypto.randomUUID()}`;
        const answers = await Promise.all(
          Array.from({ length: 20 }, () =>
            h.call("/api/patients", {
              method: "POST",
              token,
              body: burst,
              headers: { "Idempotency-Key": burstKey },
            }).then(async (r) => ({ status: r.status, body: await r.json() }))),
        );
        const ids = new Set(answers.filter((a) => a.status === 201).map((a) => a.body.id));
        assert.equal(ids.size, 1, JSON.stringify(answers.map((a) => a.status)));
        assert.ok(
          answers.every((a) => a.status === 201 || a.status === 409),
          JSON.stringify(answers.map((a) => a.status)),
        );
        const [row] =
          await sql`select count(*)::int as n from patients where email = ${burst.email}`;
        assert.equal(row!.n, 1, "one patient");
        const [id] = [...ids];
        await eventually("one billing account", async () => {
          const res = await h.call(`/api/billing/accounts/${id}`, { token });
          return res.status === 200 ? await res.json() : (await res.body?.cancel(), undefined);
        });
        const welcomes = await eventually("one WELCOME", async () => {
          const list = await (await h.call(`/api/notifications?patientId=${id}`, { token })).json();
          return list.length > 0 ? list : undefined;
        });
        assert.equal(welcomes.length, 1);
      },
    );
  } finally {
    await sql.end();
    await h.system.stop();
  }
});

Deno.test("integrity: consumers ignore an older version delivered after a newer one", async () => {
  const h = await startHarness({ services: ALL });
  const kafka = h.system.kafka!;
  const client = new Kafka({ clientId: "t", brokers: kafka.brokers, logLevel: logLevel.NOTHING });
  const producer = client.producer();
  try {
    const token = await h.login();
    await producer.connect();
    const summary = async () => await (await h.call("/api/analytics/summary", { token })).json();
    const before = await summary();
    const patientId = crypto.randomUUID();
    const event = (eventType: PatientEvent["eventType"], version: number): PatientEvent => ({
      eventId: crypto.randomUUID(),
      eventType,
      patientId,
      name: "Out Of Order",
      email: "out.of.order@example.com",
      occurredAt: new Date(),
      version,
    });
    // v3 (an update), then the older v2 (another update) and v1 (the create), late.
    await producer.send({
      topic: kafka.topic,
      messages: [
        event("PATIENT_UPDATED", 3),
        event("PATIENT_UPDATED", 2),
        event("PATIENT_CREATED", 1),
      ]
        .map((e) => ({ key: patientId, value: Buffer.from(encodePatientEvent(e)) })),
    });
    const after = await eventually("the newer update counted", async () => {
      const now = await summary();
      return now.eventsConsumed >= before.eventsConsumed + 1 &&
          now.patientsUpdated === before.patientsUpdated + 1
        ? now
        : undefined;
    });
    await new Promise((r) => setTimeout(r, 1_500));
    const settled = await summary();
    assert.equal(settled.patientsUpdated, after.patientsUpdated, "the older update is ignored");
    assert.equal(settled.patientsCreated, before.patientsCreated, "the late create is ignored");
    const notes = await (await h.call(`/api/notifications?patientId=${patientId}`, { token }))
      .json();
    assert.deepEqual(notes, [], "no WELCOME for a create older than what was applied");
  } finally {
    await producer.disconnect();
    await h.system.stop();
  }
});
