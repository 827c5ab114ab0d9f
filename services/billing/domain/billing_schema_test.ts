import assert from "node:assert/strict";
import { ChargeIds } from "./billing_schema.ts";

const ID = "123e4567-e89b-12d3-a456-426614174000";

Deno.test("ChargeIds gives the ids in lower case, as the database writes them", () => {
  const parsed = ChargeIds.parse({ chargeIds: [ID.toUpperCase()] });
  assert.deepEqual(parsed.chargeIds, [ID]);
});

Deno.test("ChargeIds refuses one id twice in two cases", () => {
  const parsed = ChargeIds.safeParse({ chargeIds: [ID, ID.toUpperCase()] });
  assert.equal(parsed.success, false);
  assert.equal(parsed.error?.issues[0]?.message, "Charge ids must be distinct");
});
