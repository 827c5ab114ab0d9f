import assert from "node:assert/strict";
import { ISSUE_BASELINE, issueTargets } from "./issue_targets.ts";
import { fakeRun } from "./_test_util.ts";

const all = (factor: number) =>
  Object.entries(ISSUE_BASELINE).map(([key, rps]) => {
    const [scenario, connections] = key.split(" ");
    return fakeRun({
      scenario: scenario!,
      connections: Number(connections),
      rps: Math.round(rps * factor),
    });
  });

Deno.test("issueTargets() prints each row as a multiple of 33b4338's and says what is met", () => {
  const [speed, ratio, rss] = issueTargets(all(0.5), 0.74, 890);
  assert.match(speed!, /list 64 719 \(0\.50× 1437\)/);
  assert.match(speed!, /: not met$/);
  assert.equal(ratio, "gateway ÷ direct on a get 0.74, goal ≥ 0.7: met");
  assert.equal(rss, "services' peak RSS 890 MB, goal ≤ 510: not met");
});

Deno.test("issueTargets() meets the speed goal only when every row is 1.5× its baseline", () => {
  assert.match(issueTargets(all(1.5), 0.7, 500)[0]!, /: met$/);
  const short = all(1.5).map((r) => r.scenario === "create" ? { ...r, rps: 1 } : r);
  assert.match(issueTargets(short, null, 500)[0]!, /: not met$/);
  assert.equal(
    issueTargets(short, null, 500)[1],
    "gateway ÷ direct on a get –, goal ≥ 0.7: not met",
  );
});
