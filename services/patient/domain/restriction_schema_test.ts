import assert from "node:assert/strict";
import { BreakGlassRequest, SetRestriction } from "./restriction_schema.ts";

const issuesOf = (result: { success: boolean; error?: { issues: { path: PropertyKey[] }[] } }) =>
  (result.error?.issues ?? []).map((issue) => String(issue.path[0]));

Deno.test("SetRestriction takes user ids (UUIDs, kept in lower case) and a free-text reason", () => {
  const user = crypto.randomUUID();
  const ok = SetRestriction.safeParse({
    allowedUserIds: [user.toUpperCase()],
    reason: "Member of staff.\nAsked by HR.",
  });
  assert.ok(ok.success);
  assert.deepEqual(ok.data.allowedUserIds, [user]);
  assert.equal(ok.data.reason, "Member of staff.\nAsked by HR.");
  for (const ids of [["not-a-user-id"], [user, "user-2"], [""], [42]]) {
    const bad = SetRestriction.safeParse({ allowedUserIds: ids, reason: "x" });
    assert.ok(!bad.success, JSON.stringify(ids));
    assert.deepEqual([...new Set(issuesOf(bad))], ["allowedUserIds"]);
    assert.equal(bad.error.issues[0]!.message, "allowedUserIds must be user ids");
  }
  const control = SetRestriction.safeParse({ allowedUserIds: [user], reason: "a\u0007b" });
  assert.deepEqual(issuesOf(control), ["reason"]);
});

Deno.test("BreakGlassRequest's justification keeps line breaks and tabs, refuses other controls", () => {
  const justification = "Unconscious in the emergency room.\r\n\tNo relative reachable.";
  const ok = BreakGlassRequest.safeParse({ reason: "EMERGENCY", justification });
  assert.ok(ok.success);
  assert.equal(ok.data.justification, justification);
  for (
    const bad of ["Unconscious in the emergency\u0000 room", "Unconscious in the \u001b[31mroom"]
  ) {
    const refused = BreakGlassRequest.safeParse({ reason: "EMERGENCY", justification: bad });
    assert.deepEqual(issuesOf(refused), ["justification"]);
    assert.equal(refused.error!.issues[0]!.message, "justification contains invalid characters");
  }
});
