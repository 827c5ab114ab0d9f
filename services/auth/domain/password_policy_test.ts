import assert from "node:assert/strict";
import { dictionary } from "@zxcvbn-ts/language-common";
import { PASSWORD_MESSAGES, passwordProblem } from "./password_policy.ts";

Deno.test("passwordProblem() names the first rule broken, with the contract's messages", () => {
  const email = "grace.hopper@clinic.example";
  assert.equal(passwordProblem("short-one", email), PASSWORD_MESSAGES.tooShort);
  assert.equal(passwordProblem("é".repeat(40), email), PASSWORD_MESSAGES.tooLong);
  assert.equal(passwordProblem("xxGRACE.HOPPERxx-2026", email), PASSWORD_MESSAGES.containsEmail);
  assert.equal(passwordProblem("QWERTY123456", email), PASSWORD_MESSAGES.tooCommon);
  assert.equal(passwordProblem("leavemealone", email), PASSWORD_MESSAGES.tooCommon);
  assert.equal(passwordProblem("ILoveYou1234567", email), undefined, "not in the list");
  assert.equal(passwordProblem("correct horse battery staple", email), undefined);
  assert.equal(passwordProblem("demo-password-2026", email), undefined);
});

Deno.test("passwordProblem() refuses every 12-character-or-longer password of the bundled list", () => {
  const long = dictionary["passwords-common"].filter((p) => p.length >= 12);
  assert.ok(dictionary["passwords-common"].length >= 10_000, "a list of at least 10,000");
  assert.ok(long.length > 100);
  for (const password of long.slice(0, 500)) {
    const problem = passwordProblem(password, "x@y.z");
    assert.ok(problem, password);
  }
});
