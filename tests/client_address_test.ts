/**
 * Behind a load balancer (`TRUSTED_PROXY_HOPS=1`), every connection comes from the balancer, and
 * the client is the `X-Forwarded-For` entry it appended: login throttling counts each client on
 * its own, and audit records name the client, not the balancer. (With the default 0 a forged
 * header changes nothing: see the security test's login flood.)
 */
import assert from "node:assert/strict";
import postgres from "postgres";
import { eventually, startHarness } from "./_system.ts";

Deno.test("client address behind one proxy: throttling and audit records see the real client", async (t) => {
  const h = await startHarness({
    services: ["auth", "patient", "audit", "gateway"],
    env: {
      gateway: { TRUSTED_PROXY_HOPS: "1" },
      auth: { LOGIN_MAX_FAILURES_PER_CLIENT: "5" },
    },
  });
  const sql = postgres(h.system.databaseUrls.audit!, { max: 1, onnotice: () => {} });
  /** A login as the balancer would pass it on: the client's address appended to the header. */
  const login = (client: string, email: string, password: string, written?: string) =>
    h.call("/auth/login", {
      method: "POST",
      body: { email, password },
      headers: { "X-Forwarded-For": written ? `${written}, ${client}` : client },
    });
  try {
    await t.step("one client's failed logins throttle that client only", async () => {
      let status = 0;
      for (let i = 0; i < 10 && status !== 429; i++) {
        const res = await login("203.0.113.10", `nobody-${i}@test.com`, "wrong password");
        status = res.status;
        await res.body?.cancel();
      }
      assert.equal(status, 429, "the flooding client is throttled");
      // What the flooding client writes left of the balancer's entry does not get it out.
      const forged = await login("203.0.113.10", "testuser@test.com", "password123", "10.9.9.9");
      assert.equal(forged.status, 429);
      await forged.body?.cancel();
      // Another client behind the same balancer still logs in.
      const other = await login("203.0.113.20", "testuser@test.com", "password123");
      assert.equal(other.status, 200);
      await other.body?.cancel();
    });

    await t.step("an audit record names the client, not the balancer", async () => {
      const res = await login("203.0.113.30", "testuser@test.com", "password123");
      const { token } = await res.json();
      const requestId = crypto.randomUUID();
      const list = await h.call("/api/patients?size=1", {
        token,
        headers: { "X-Forwarded-For": "10.9.9.9, 203.0.113.30", "X-Request-Id": requestId },
      });
      assert.equal(list.status, 200);
      await list.body?.cancel();
      const address = await eventually("the list's audit record", async () => {
        const rows = await sql`
          select client_address from audit_records where request_id = ${requestId}`;
        return rows[0]?.client_address as string | undefined;
      }, 20_000);
      assert.equal(address, "203.0.113.30");
    });
  } finally {
    await sql.end();
    await h.system.stop();
  }
});
