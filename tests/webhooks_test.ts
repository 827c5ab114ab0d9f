// deno-lint-ignore-file no-explicit-any
/**
 * Webhooks through the gateway on real processes, PostgreSQL and Kafka, delivering to a receiver
 * on 127.0.0.1 (`WEBHOOK_ALLOW_INSECURE=true`, as `deno task dev` sets it): signatures checked
 * with a separate HMAC (node:crypto), a receiver that fails then succeeds (the same webhook-id on
 * every attempt), FAILED after the retry schedule, redelivery, ping, secret rotation, roles, the
 * 400s of `url` and `events` (with SSRF refusals), DATA_SHARING consent, and the disclosure record.
 */
import assert from "node:assert/strict";
import { createHmac } from "node:crypto";
import { DEMO_USERS, type DemoRole, eventually, newPatient, startHarness } from "./_system.ts";

interface Received {
  id: string;
  timestamp: string;
  signature: string;
  body: string;
}

/** A receiver on loopback answering each path's next status from its script (then 204). */
function receiver() {
  const received = new Map<string, Received[]>();
  const scripts = new Map<string, number[]>();
  const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen() {} }, async (req) => {
    const path = new URL(req.url).pathname;
    const body = await req.text();
    const list = received.get(path) ?? [];
    list.push({
      id: req.headers.get("webhook-id") ?? "",
      timestamp: req.headers.get("webhook-timestamp") ?? "",
      signature: req.headers.get("webhook-signature") ?? "",
      body,
    });
    received.set(path, list);
    const status = scripts.get(path)?.shift() ?? 204;
    return new Response(null, { status });
  });
  return {
    url: (path: string) => `http://127.0.0.1:${server.addr.port}${path}`,
    received: (path: string) => received.get(path) ?? [],
    script: (path: string, statuses: number[]) => scripts.set(path, statuses),
    close: () => server.shutdown(),
  };
}

/** True when `r` is signed with `secret` as Standard Webhooks says (computed here, apart). */
function verify(secret: string, r: Received): boolean {
  const mac = createHmac("sha256", Buffer.from(secret.replace(/^whsec_/, ""), "base64"))
    .update(`${r.id}.${r.timestamp}.${r.body}`).digest("base64");
  return r.signature.split(" ").includes(`v1,${mac}`);
}

Deno.test("webhooks: signed deliveries, retries, FAILED, redeliver, ping, rotation, SSRF, consent", async (t) => {
  const hooks = receiver();
  const h = await startHarness({
    services: ["auth", "patient", "audit", "notification", "gateway"],
    env: {
      notification: { WEBHOOK_ALLOW_INSECURE: "true", WEBHOOK_RETRY_SECONDS: "1,1" },
    },
  });
  try {
    const tokens = {} as Record<DemoRole, string>;
    for (const role of Object.keys(DEMO_USERS) as DemoRole[]) {
      const [email, password] = DEMO_USERS[role];
      const res = await h.call("/auth/login", { method: "POST", body: { email, password } });
      tokens[role] = (await res.json()).token;
    }
    const admin = tokens.ADMIN;
    const json = async (res: Response, status: number, label = "") => {
      const text = await res.text();
      assert.equal(res.status, status, `${label} ${text}`);
      return text ? JSON.parse(text) : undefined;
    };
    const post = (path: string, body?: unknown, token = admin) =>
      h.call(path, { method: "POST", token, body });
    const deliveries = async (id: string, query = "") =>
      await json(await h.call(`/api/webhooks/${id}/deliveries${query}`, { token: admin }), 200);
    /** A new patient who denies DATA_SHARING, once the denial has reached the notification service. */
    const deniedPatient = async () => {
      const patient = await json(await post("/api/patients", newPatient()), 201);
      await json(
        await h.call(`/api/patients/${patient.id}/consents/DATA_SHARING`, {
          method: "PUT",
          token: admin,
          body: { status: "DENIED" },
        }),
        200,
      );
      // The denial reaches the notification service as an event keyed by this patient, with no
      // order against the events of others that follow: it is given the time to arrive first.
      await new Promise((r) => setTimeout(r, 1_500));
      return patient;
    };

    let hook: any;
    await t.step(
      "registration: 201 with its secret once; 400 url and events; ADMIN only",
      async () => {
        const res = await post("/api/webhooks", {
          url: hooks.url("/patients"),
          events: ["patient.created", "patient.updated"],
          description: "registry",
        });
        hook = await json(res, 201);
        assert.equal(res.headers.get("Location"), `/api/webhooks/${hook.id}`);
        // With an Idempotency-Key a retry replays the registration, secret included.
        const key = crypto.randomUUID();
        const keyed = () =>
          h.call("/api/webhooks", {
            method: "POST",
            token: admin,
            body: { url: hooks.url("/once"), events: ["ping"] },
            headers: { "Idempotency-Key": key },
          });
        const first = await json(await keyed(), 201);
        const again = await keyed();
        assert.equal(again.headers.get("Idempotent-Replayed"), "true");
        assert.deepEqual(await json(again, 201), first);
        await json(
          await h.call(`/api/webhooks/${first.id}`, { method: "DELETE", token: admin }),
          204,
        );
        assert.match(hook.secret, /^whsec_/);
        assert.equal(hook.active, true);
        const read = await json(await h.call(`/api/webhooks/${hook.id}`, { token: admin }), 200);
        assert.equal(read.secret, undefined, "the secret is shown only when made or rotated");
        for (
          const [body, field] of [
            [{ url: "ftp://hooks.example.com/x", events: ["ping"] }, "url"],
            [{ url: "https://169.254.169.254/latest", events: ["ping"] }, "url"],
            [{ url: "http://user:pw@127.0.0.1:9/x", events: ["ping"] }, "url"],
            [{ url: "http://[fe80::1]/x", events: ["ping"] }, "url"],
            [{ url: "https://[fd00:ec2::254]/x", events: ["ping"] }, "url"],
            [{ url: hooks.url("/x"), events: ["patient.exploded"] }, "events"],
            [{ url: hooks.url("/x"), events: [] }, "events"],
          ] as const
        ) {
          const answer = await json(await post("/api/webhooks", body), 400, JSON.stringify(body));
          assert.ok(field in answer, `${field}: ${JSON.stringify(answer)}`);
        }
        // Under WEBHOOK_ALLOW_INSECURE a private address and plain http are allowed, and a name
        // that does not resolve yet is judged at each delivery instead.
        for (const url of ["https://10.0.0.1/x", "http://hooks.invalid/x"]) {
          const made = await json(await post("/api/webhooks", { url, events: ["ping"] }), 201, url);
          await json(
            await h.call(`/api/webhooks/${made.id}`, { method: "DELETE", token: admin }),
            204,
          );
        }
        await json(
          await post("/api/webhooks", { url: hooks.url("/x"), events: ["ping"] }, tokens.CLINICIAN),
          403,
        );
        await json(await h.call("/api/webhooks", { token: tokens.AUDITOR }), 403);
        assert.deepEqual(
          await json(await h.call(`/api/webhooks/${crypto.randomUUID()}`, { token: admin }), 404),
          { message: "Webhook not found" },
        );
      },
    );

    let patientId = "";
    await t.step(
      "an event is delivered signed; a receiver that fails is retried with the same webhook-id",
      async () => {
        hooks.script("/patients", [500]);
        const created = await json(await post("/api/patients", newPatient()), 201);
        patientId = created.id;
        const got = await eventually("two attempts", () => {
          const mine = hooks.received("/patients").filter((r) => r.body.includes(patientId));
          return Promise.resolve(mine.length >= 2 ? mine : undefined);
        });
        assert.equal(got[0]!.id, got[1]!.id, "the same webhook-id on the retry");
        for (const r of got) assert.ok(verify(hook.secret, r), "signed with the secret");
        const body = JSON.parse(got[0]!.body);
        assert.equal(body.type, "patient.created");
        assert.deepEqual(body.data, { patientId });
        assert.equal(body.id, got[0]!.id);
        assert.ok(!got[0]!.body.includes("@example.com"), "ids only, no patient details");
        const list = await eventually("DELIVERED", async () => {
          const l = await deliveries(hook.id);
          return l.some((d: any) => d.status === "DELIVERED") ? l : undefined;
        });
        const delivered = list.find((d: any) => d.status === "DELIVERED");
        assert.equal(delivered.attempts, 2);
        assert.equal(delivered.lastStatusCode, 204);
        // Both attempts sent the patient's id: the one answered 500 is a disclosure too.
        const records = await eventually("a disclosure record per attempt", async () => {
          const res = await h.call(`/api/audit?patientId=${patientId}&action=webhook.deliver`, {
            token: tokens.AUDITOR,
          });
          if (res.status !== 200) return void await res.body?.cancel();
          const found: any[] = await res.json();
          return found.length >= 2 ? found : undefined;
        });
        assert.deepEqual(records.map((r) => r.details.attempt).sort(), [1, 2]);
        for (const r of records) {
          assert.equal(r.outcome, "SUCCESS");
          assert.equal(r.details.deliveryId, delivered.id);
        }
      },
    );

    await t.step(
      "after the retry schedule a delivery is FAILED; redeliver sends it again",
      async () => {
        const failing = await json(
          await post("/api/webhooks", { url: hooks.url("/down"), events: ["patient.updated"] }),
          201,
        );
        hooks.script("/down", [503, 503, 503]);
        const p = newPatient();
        await json(
          await h.call(`/api/patients/${patientId}`, {
            method: "PUT",
            token: admin,
            body: { ...p, registeredDate: undefined },
          }),
          200,
        );
        const failed = await eventually("FAILED", async () => {
          const l = await deliveries(failing.id, "?status=FAILED");
          return l.length > 0 ? l[0] : undefined;
        });
        assert.equal(failed.attempts, 3, "the first attempt and two retries");
        assert.equal(failed.lastStatusCode, 503);
        assert.equal(failed.version, 4, "queued, then one change per attempt");
        assert.ok(failed.updatedAt > failed.createdAt);
        assert.equal(hooks.received("/down").length, 3);
        await json(
          await post(`/api/webhooks/${failing.id}/deliveries/${failed.id}/redeliver`),
          202,
        );
        const redelivered = await eventually("redelivered", async () => {
          const l = await deliveries(failing.id, "?status=DELIVERED");
          return l.length > 0 ? l[0] : undefined;
        });
        assert.equal(redelivered.version, 6, "the redelivery, then its attempt");
        const all = hooks.received("/down");
        assert.equal(all.length, 4);
        assert.ok(all.every((r) => r.id === all[0]!.id), "the same webhook-id throughout");
      },
    );

    await t.step("ping and rotation: the old secret stops at once", async () => {
      const rotated = await json(await post(`/api/webhooks/${hook.id}/rotate-secret`), 200);
      assert.notEqual(rotated.secret, hook.secret);
      await json(await post(`/api/webhooks/${hook.id}/ping`), 202);
      const ping = await eventually("the ping", () => {
        const r = hooks.received("/patients").find((x) => JSON.parse(x.body).type === "ping");
        return Promise.resolve(r);
      });
      assert.ok(verify(rotated.secret, ping), "signed with the new secret");
      assert.ok(!verify(hook.secret, ping), "not with the old one");
      await json(await post(`/api/webhooks/${crypto.randomUUID()}/ping`), 404);
    });

    await t.step("DATA_SHARING denied: no delivery names the patient", async () => {
      const other = await deniedPatient();
      const before = hooks.received("/patients").length;
      await json(
        await h.call(`/api/patients/${other.id}`, {
          method: "PUT",
          token: admin,
          body: { ...newPatient(), registeredDate: undefined },
        }),
        200,
      );
      // A later event of another patient arrives, so the denied one has been passed.
      const third = await json(await post("/api/patients", newPatient()), 201);
      await eventually("the third patient's delivery", () =>
        Promise.resolve(
          hooks.received("/patients").some((r) => r.body.includes(third.id)) ? true : undefined,
        ));
      const after = hooks.received("/patients").slice(before);
      assert.ok(!after.some((r) => r.body.includes(other.id)), "nothing about the denied patient");
    });

    await t.step("a merge is delivered as patient.merged naming both patients", async () => {
      const merges = await json(
        await post("/api/webhooks", { url: hooks.url("/merges"), events: ["patient.merged"] }),
        201,
      );
      const target = await json(await post("/api/patients", newPatient()), 201);
      const source = await json(await post("/api/patients", newPatient()), 201);
      await json(
        await post(`/api/patients/${target.id}/merge`, { sourceId: source.id, reason: "same" }),
        200,
      );
      const [delivery] = await eventually(
        "the merge's delivery",
        () =>
          Promise.resolve(
            hooks.received("/merges").length > 0 ? hooks.received("/merges") : undefined,
          ),
      );
      assert.ok(verify(merges.secret, delivery!));
      const body = JSON.parse(delivery!.body);
      assert.equal(body.type, "patient.merged");
      assert.deepEqual(body.data, { patientId: source.id, mergedInto: target.id });
      // The delivery names both patients: a disclosure of each.
      const disclosure = await eventually("the target's disclosure", async () => {
        const found = await json(
          await h.call(`/api/audit/patients/${target.id}/disclosures`, { token: admin }),
          200,
        );
        // The merge's delivery, not another webhook's delivery of the target's create.
        return found.find((r: any) =>
          r.action === "webhook.deliver" && r.details.type === "patient.merged"
        );
      });
      assert.deepEqual([...disclosure.patientIds].sort(), [source.id, target.id].sort());
      // A merge into a patient who denied DATA_SHARING is not sent, as one of that patient is not.
      const denied = await deniedPatient();
      const hidden = await json(await post("/api/patients", newPatient()), 201);
      await json(
        await post(`/api/patients/${denied.id}/merge`, { sourceId: hidden.id, reason: "same" }),
        200,
      );
      // A later merge arrives, so the one into the denied patient has been passed.
      const later = await json(await post("/api/patients", newPatient()), 201);
      await json(
        await post(`/api/patients/${target.id}/merge`, { sourceId: later.id, reason: "same" }),
        200,
      );
      await eventually("the later merge's delivery", () =>
        Promise.resolve(
          hooks.received("/merges").some((r) => r.body.includes(later.id)) ? true : undefined,
        ));
      assert.ok(
        !hooks.received("/merges").some((r) => r.body.includes(denied.id)),
        "nothing about the patient who denied DATA_SHARING",
      );
      await json(
        await h.call(`/api/webhooks/${merges.id}`, { method: "DELETE", token: admin }),
        204,
      );
    });

    await t.step("ETag and If-Match; 400 before 404; no control characters stored", async () => {
      const path = `/api/webhooks/${hook.id}`;
      const read = await h.call(path, { token: admin });
      const current = await json(read, 200);
      assert.equal(read.headers.get("ETag"), `W/"${current.version}"`);
      assert.match(current.updatedAt, /Z$/);
      const stale = await h.call(path, {
        method: "PATCH",
        token: admin,
        body: { description: undefined, active: true },
        headers: { "If-Match": `W/"${current.version + 5}"` },
      });
      assert.deepEqual(await json(stale, 412), { message: "Webhook was changed by someone else" });
      const patchTo = (active: boolean, version: number) =>
        h.call(path, {
          method: "PATCH",
          token: admin,
          body: { active },
          headers: { "If-Match": `W/"${version}"` },
        });
      const same = await json(await patchTo(current.active, current.version), 200);
      assert.equal(same.version, current.version, "a PATCH that changes nothing keeps the version");
      assert.equal(same.updatedAt, current.updatedAt);
      await json(await patchTo(!current.active, current.version), 200);
      const fresh = await patchTo(current.active, current.version + 1);
      const changed = await json(fresh, 200);
      assert.equal(changed.version, current.version + 2);
      assert.equal(fresh.headers.get("ETag"), `W/"${current.version + 2}"`);
      const unchanged = await h.call(path, {
        token: admin,
        headers: { "If-None-Match": `W/"${changed.version}"` },
      });
      assert.equal(unchanged.status, 304);
      assert.equal(unchanged.headers.get("ETag"), `W/"${changed.version}"`);
      assert.equal(await unchanged.text(), "");
      // The webhook's id, version, createdAt and updatedAt sent back are ignored.
      const { id, version, createdAt, updatedAt, url, events, active } = changed;
      const sentBack = await h.call(path, {
        method: "PATCH",
        token: admin,
        body: { id, version, createdAt, updatedAt, url, events, active },
      });
      assert.deepEqual(
        { ...await json(sentBack, 200), version, updatedAt },
        changed,
      );
      const unknown = `/api/webhooks/${crypto.randomUUID()}`;
      const bad = await h.call(unknown, {
        method: "PATCH",
        token: admin,
        body: { url: "ftp://x/y" },
      });
      assert.ok("url" in await json(bad, 400));
      for (
        const body of [
          { url: hooks.url("/x"), events: ["ping"], description: "a\u0000b" },
          { url: `${hooks.url("/x")}\u0000`, events: ["ping"] },
        ]
      ) {
        await json(await post("/api/webhooks", body), 400, JSON.stringify(body));
      }
    });

    await t.step("patch and delete", async () => {
      const patched = await json(
        await h.call(`/api/webhooks/${hook.id}`, {
          method: "PATCH",
          token: admin,
          body: { active: false, events: ["ping"] },
        }),
        200,
      );
      assert.equal(patched.active, false);
      assert.deepEqual(patched.events, ["ping"]);
      await json(
        await h.call(`/api/webhooks/${hook.id}`, {
          method: "PATCH",
          token: admin,
          body: { url: "https://127.0.0.1/x" },
        }),
        200,
      );
      await json(await h.call(`/api/webhooks/${hook.id}`, { method: "DELETE", token: admin }), 204);
      await json(await h.call(`/api/webhooks/${hook.id}`, { method: "DELETE", token: admin }), 404);
    });
  } finally {
    await h.system.stop();
    await hooks.close();
  }
});
