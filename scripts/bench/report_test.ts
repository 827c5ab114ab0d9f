import assert from "node:assert/strict";
import { type BenchResult, formatReport, medianRuns, peakRun } from "./report.ts";
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

Deno.test("formatReport() counts the services that ran, also when they share one process, and names the run of the peak", () => {
  const result: BenchResult = {
    machine: "2 cores",
    date: "2026-01-01T00:00:00.000Z",
    seconds: 8,
    infraMs: 1,
    healthyMs: 2,
    runs: [run("list", 1000, 50)],
    gatewayCost: {},
    eventLag: { events: 0, created: 0, p50Ms: 0, p99Ms: 0 },
    services: 9,
    peakRssMb: { "one process": 580 },
    peakTotalRssMb: 580,
    peakTotalPssMb: 560,
    peakDuring: "list gateway c=64",
    pgbenchInsertTps: 1,
  };
  const report = formatReport(result);
  assert.match(report, /all nine services healthy/);
  assert.match(
    report,
    /nine together at most 580 MB at once \(RSS\), during list gateway c=64, 560 MB/,
  );
});
