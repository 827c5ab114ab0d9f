/**
 * The patient service outlives billing's restarts: new patients open their billing accounts over
 * gRPC, billing stops (SIGTERM) and starts again, round after round, and the patient service keeps
 * answering. Deno's `node:http2` client can abort its process when a connection that served calls
 * is closed by the other side; the billing client therefore keeps a channel only while calls run.
 */
import assert from "node:assert/strict";
import { DEMO_USERS, eventually, newPatient, startHarness } from "./_system.ts";

Deno.test("billing restarts: the patient service keeps answering and every account opens", async () => {
  const h = await startHarness({ services: ["auth", "patient", "billing", "gateway"] });
  try {
    const [email, password] = DEMO_USERS.ADMIN;
    const login = await h.call("/auth/login", { method: "POST", body: { email, password } });
    const token = (await login.json()).token;
    const created: string[] = [];
    for (let round = 0; round < 6; round++) {
      for (let i = 0; i < 5; i++) {
        const res = await h.call("/api/patients", { method: "POST", token, body: newPatient() });
        assert.equal(res.status, 201);
        created.push((await res.json()).id);
      }
      // Billing stops right after a round of calls, or after the connection sat idle.
      await new Promise((resolve) => setTimeout(resolve, round % 2 ? 50 : 1_500));
      await h.system.stopService("billing");
      await new Promise((resolve) => setTimeout(resolve, 300));
      const health = await fetch(`${h.system.urls.patient}/health`).then(
        async (res) => (await res.body?.cancel(), res.status),
        (error) => String(error),
      );
      assert.equal(health, 200, `round ${round}: the patient service fell`);
      await h.system.startService("billing");
    }
    for (const id of created) {
      await eventually(`billing account of ${id}`, async () => {
        const res = await h.call(`/api/billing/accounts/${id}`, { token });
        await res.body?.cancel();
        return res.status === 200 ? true : undefined;
      });
    }
  } finally {
    await h.system.stop();
  }
});
