import assert from "node:assert/strict";
import { openTestDatabase, silentLogger } from "@pms/testing";
import { createRestrictionAccess, RESTRICTIONS_CHANNEL } from "./restriction_access.ts";

const MIGRATIONS = new URL("../migrations", import.meta.url);
const caller = (userId: string) => ({ userId, token: "" });

Deno.test("createRestrictionAccess() decides from memory, exact after reload, the database before start", async () => {
  await using testDb = await openTestDatabase("patient", MIGRATIONS);
  const sql = testDb.db.sql;
  const [a, b] = [crypto.randomUUID(), crypto.randomUUID()];
  for (const id of [a, b]) {
    await sql`
      insert into patients (id, name, email, address, date_of_birth, registered_date)
      values (${id}, 'N', ${`${id}@example.com`}, 'A', '1990-01-01', '2024-01-01')`;
  }
  await sql`
    insert into patient_restrictions (patient_id, allowed_user_ids, reason, set_by)
    values (${a}, ${["u-listed"]}::text[], 'r', 'admin')`;
  const access = createRestrictionAccess(sql, silentLogger());
  // Not started: the database decides.
  assert.deepEqual([...(await access.decide([a, b], caller("u-other"))).hidden], [a]);
  await access.start();
  try {
    assert.deepEqual([...(await access.decide([a, b], caller("u-other"))).hidden], [a]);
    assert.equal((await access.decide([a], caller("u-listed"))).hidden.size, 0);
    const grantId = crypto.randomUUID();
    await sql`
      insert into break_glass_grants (id, patient_id, user_id, reason, justification, expires_at)
      values (${grantId}, ${a}, 'u-other', 'EMERGENCY', 'twenty characters at least',
        now() + interval '1 hour')`;
    await access.reload();
    const granted = await access.decide([a], caller("u-other"));
    assert.equal(granted.hidden.size, 0);
    assert.equal(granted.grants.get(a), grantId);
    // A change another instance commits arrives by NOTIFY.
    await sql.begin(async (tx) => {
      await tx`delete from patient_restrictions where patient_id = ${a}`;
      await tx`select pg_notify(${RESTRICTIONS_CHANNEL}, '')`;
    });
    const deadline = Date.now() + 5_000;
    while ((await access.decide([a], caller("u-third"))).hidden.size > 0) {
      assert.ok(Date.now() < deadline, "the NOTIFY did not reload the rules");
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  } finally {
    await access.stop();
  }
});
