import assert from "node:assert/strict";
import { jwtAuth } from "@pms/http";
import { createTestTokens, testServiceApp } from "@pms/testing";
import type { BreakGlassEntry, BreakGlassStore } from "../store/break_glass_store.ts";
import { breakGlassRoutes } from "./break_glass.ts";

const { verify, tokenFor } = await createTestTokens();

/** A queue holding the grants given to `arrive`, each reviewed when `review` names it. */
function fakeQueue() {
  const grants = new Map<string, BreakGlassEntry>();
  const queue: BreakGlassStore = {
    page: () => Promise.resolve({ json: "[]", total: 0 }),
    find: (grantId) => Promise.resolve(grants.get(grantId)),
  };
  const arrive = (grantId: string) => {
    const grantedAt = new Date().toISOString();
    grants.set(grantId, {
      grantId,
      patientId: crypto.randomUUID(),
      userId: crypto.randomUUID(),
      reason: "EMERGENCY",
      justification: "Unconscious in the emergency room",
      grantedAt,
      expiresAt: new Date(Date.now() + 3_600_000).toISOString(),
      accesses: 0,
      reviewedBy: null,
      reviewedAt: null,
      reviewNote: null,
      version: 1,
      createdAt: grantedAt,
      updatedAt: grantedAt,
    });
  };
  return { queue, arrive };
}

function app(queue: BreakGlassStore, grantWaitMs: number) {
  const store = { append: () => Promise.resolve(1) };
  return testServiceApp((app) => {
    app.use("/audit/*", jwtAuth({ verify }));
    app.route(
      "/audit",
      breakGlassRoutes(queue, store, { defaultSize: 20, maxSize: 100 }, {
        grantWaitMs,
        grantPollMs: 10,
      }),
    );
  });
}

const review = async (
  api: ReturnType<typeof app>,
  grantId: string,
  body: unknown,
): Promise<Response> =>
  await api.request(`/audit/break-glass/${grantId}/review`, {
    method: "POST",
    headers: {
      Authorization: `Bearer ${await tokenFor("AUDITOR")}`,
      "Content-Type": "application/json",
    },
    body: JSON.stringify(body),
  });

Deno.test("a review asked for before the grant reached the trail waits for it", async () => {
  const { queue, arrive } = fakeQueue();
  const grantId = crypto.randomUUID();
  setTimeout(() => arrive(grantId), 200);
  const res = await review(app(queue, 2_000), grantId, { note: "Justified" });
  assert.equal(res.status, 200);
  assert.equal((await res.json()).grantId, grantId);
});

Deno.test("a grant that never arrives is not found once the wait is over", async () => {
  const { queue } = fakeQueue();
  const started = Date.now();
  const res = await review(app(queue, 150), crypto.randomUUID(), { note: "Justified" });
  assert.equal(res.status, 404);
  assert.deepEqual(await res.json(), { message: "Grant not found" });
  assert.ok(Date.now() - started >= 150, "it waited");
});

Deno.test("a review note may hold line breaks and tabs, no other control character", async () => {
  const { queue, arrive } = fakeQueue();
  const api = app(queue, 0);
  const grantId = crypto.randomUUID();
  arrive(grantId);
  const bad = await review(api, grantId, { note: "Checked.\u0007Justified." });
  assert.equal(bad.status, 400);
  assert.deepEqual(await bad.json(), { note: "note contains invalid characters" });
  const ok = await review(api, grantId, { note: "Checked.\r\n\tJustified." });
  assert.equal(ok.status, 200);
  assert.equal((await ok.json()).grantId, grantId);
});
