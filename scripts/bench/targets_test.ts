import assert from "node:assert/strict";
import { BASELINE, performanceTargets } from "./targets.ts";
import { fakeRun } from "./_test_util.ts";

const all = (factor: number) =>
  Object.entries(BASELINE).map(([key, rps]) => {
    const [scenario, connections] = key.split(" ");
    return fakeRun({
      scenario: scenario!,
      connections: Number(connections),
      rps: Math.round(rps * factor),
    });
  });

Deno.test("performanceTargets() prints each row as a multiple of the baseline and says what is met", () => {
  const [speed, ratio, rss] = performanceTargets(all(0.5), 0.74, 890);
  assert.match(speed!, /list 64 719 \(0\.50× 1437\)/);
  assert.match(speed!, /: not met$/);
  assert.equal(ratio, "gateway ÷ direct on a get 0.74, goal ≥ 0.7: met");
  assert.equal(rss, "services' peak RSS 890 MB, goal ≤ 600: not met");
});

Deno.test("performanceTargets() meets the speed goal only when every row is 1.5× its baseline", () => {
  assert.match(performanceTargets(all(1.5), 0.7, 500)[0]!, /: met$/);
  const short = all(1.5).map((r) => r.scenario === "create" ? { ...r, rps: 1 } : r);
  assert.match(performanceTargets(short, null, 500)[0]!, /: not met$/);
  assert.equal(
    performanceTargets(short, null, 500)[1],
    "gateway ÷ direct on a get –, goal ≥ 0.7: not met",
  );
});
