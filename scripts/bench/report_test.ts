import assert from "node:assert/strict";
import { medianRuns, peakRun } from "./report.ts";
import type { Run } from "./wrk.ts";
import { fakeRun } from "./_test_util.ts";

const run = (scenario: string, rps: number, p99: number): Run => fakeRun({ scenario, rps, p99 });

Deno.test("medianRuns() keeps each row's run of median req/s, whole, and every round's req/s", () => {
  const { runs, rounds } = medianRuns([
    [run("list", 700, 150), run("get", 1500, 90)],
    [run("list", 800, 140), run("get", 1300, 110)],
    [run("list", 600, 190), run("get", 1400, 100)],
  ]);
  assert.deepEqual(runs.map((r) => [r.scenario, r.rps, r.p99]), [
    ["list", 700, 150],
    ["get", 1400, 100],
  ]);
  assert.deepEqual(rounds, {
    "list gateway 64": [700, 800, 600],
    "get gateway 64": [1500, 1300, 1400],
  });
});

Deno.test("medianRuns() takes the lower middle run of an even count, and a single round as it is", () => {
  assert.equal(medianRuns([[run("list", 700, 1)], [run("list", 600, 1)]]).runs[0]?.rps, 600);
  assert.equal(medianRuns([[run("list", 700, 1)]]).runs[0]?.rps, 700);
});

Deno.test("peakRun() names the run of every round with the highest RSS, and the round when there are several", () => {
  const sampled = (scenario: string, rssMb?: number): Run => ({ ...run(scenario, 1, 1), rssMb });
  assert.equal(
    peakRun([
      [sampled("list", 500), sampled("get", 510)],
      [sampled("list", 530), sampled("get", 520)],
    ]),
    "list gateway c=64, round 2",
  );
  assert.equal(peakRun([[sampled("list", 500), sampled("create", 520)]]), "create gateway c=64");
  assert.equal(peakRun([[sampled("list")]]), undefined);
});
