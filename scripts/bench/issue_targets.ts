/**
 * The performance issue's "done when", checked against a bench result: list, get and create
 * through the gateway at least 1.5× the README table the issue was filed from (commit `33b4338`,
 * whose ceiling of 15,345 req/s and gateway ratio of 0.35 on a get the issue quotes), the gateway
 * keeping ≥ 0.7 of direct speed on a get, and the services ≤ 510 MB RSS under load.
 *
 * @module
 */
import type { Run } from "./wrk.ts";

/** `33b4338`'s rows through the gateway: `"<scenario> <connections>"` → req/s. */
export const ISSUE_BASELINE: Readonly<Record<string, number>> = {
  "list 16": 1283,
  "list 64": 1437,
  "get 16": 2089,
  "get 64": 2607,
  "create 16": 300,
  "create 64": 556,
};

/** The issue's goals: this many times the baseline, a gateway ratio, an RSS bound (MB). */
export const ISSUE_GOALS = { factor: 1.5, gatewayRatio: 0.7, rssMb: 510 } as const;

/**
 * One printed line per goal of the issue: the measured figures, each row as a multiple of the
 * baseline, and whether the goal is met.
 */
export function issueTargets(
  runs: Run[],
  gatewayRatioOnGet: number | null,
  peakTotalRssMb: number,
): string[] {
  const rows = Object.entries(ISSUE_BASELINE).map(([key, baseline]) => {
    const run = runs.find((r) =>
      r.target === "gateway" && `${r.scenario} ${r.connections}` === key
    );
    return { key, baseline, rps: run?.rps };
  });
  const met = (ok: boolean) => (ok ? "met" : "not met");
  const measured = rows.filter((r) => r.rps !== undefined).map((r) =>
    `${r.key} ${r.rps} (${(r.rps! / r.baseline).toFixed(2)}× ${r.baseline})`
  );
  const fast = rows.every((r) => r.rps !== undefined && r.rps >= ISSUE_GOALS.factor * r.baseline);
  const ratio = gatewayRatioOnGet;
  return [
    `through the gateway against 33b4338's table, goal ≥ ${ISSUE_GOALS.factor}× each: ${
      measured.join(", ")
    }: ${met(fast)}`,
    `gateway ÷ direct on a get ${ratio ?? "–"}, goal ≥ ${ISSUE_GOALS.gatewayRatio}: ${
      met(ratio !== null && ratio >= ISSUE_GOALS.gatewayRatio)
    }`,
    `services' peak RSS ${peakTotalRssMb} MB, goal ≤ ${ISSUE_GOALS.rssMb}: ${
      met(peakTotalRssMb <= ISSUE_GOALS.rssMb)
    }`,
  ];
}
