import assert from "node:assert/strict";
import { RestartBudget } from "./restart_budget.ts";

Deno.test("RestartBudget.take() allows max restarts per service per window, then refuses until it slides", () => {
  let now = 0;
  const budget = new RestartBudget({ max: 2, windowMs: 1_000, now: () => now });
  assert.equal(budget.take("billing"), true);
  now = 400;
  assert.equal(budget.take("billing"), true);
  now = 900;
  assert.equal(budget.take("billing"), false, "a third crash within the window is a loop");
  assert.equal(budget.take("auth"), true, "each service has its own window");
  now = 1_000;
  assert.equal(budget.take("billing"), true, "the first restart left the window");
  assert.equal(budget.take("billing"), false);
});
