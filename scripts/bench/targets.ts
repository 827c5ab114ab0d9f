/**
 * The system's performance targets, checked against a bench result: list, get and create through
 * the gateway at least 1.5× the baseline below (the system measured before its clinic features, on
 * a machine whose bare Hono ceiling read 15,345 req/s), the gateway keeping ≥ 0.7 of direct speed
 * on a get, and the nine services ≤ 600 MB RSS at their peak under load.
 *
 * @module
 */
import type { Run } from "./wrk.ts";

/** The baseline through the gateway: `"<scenario> <connections>"` → req/s. */
export const BASELINE: Readonly<Record<string, number>> = {
  "list 16": 1283,
  "list 64": 1437,
  "get 16": 2089,
  "get 64": 2607,
  "create 16": 300,
  "create 64": 556,
};

/** The goals: this many times the baseline, a gateway ratio, an RSS bound (MB). */
export const GOALS = { factor: 1.5, gatewayRatio: 0.7, rssMb: 600 } as const;

/**
 * One printed line per goal: the measured figures, each row as a multiple of the
 * baseline, and whether the goal is met.
 */
export function performanceTargets(
  runs: Run[],
  gatewayRatioOnGet: number | null,
  peakTotalRssMb: number,
): string[] {
  const rows = Object.entries(BASELINE).map(([key, baseline]) => {
    const run = runs.find((r) =>
      r.target === "gateway" && `${r.scenario} ${r.connections}` === key
    );
    return { key, baseline, rps: run?.rps };
  });
  const met = (ok: boolean) => (ok ? "met" : "not met");
  const measured = rows.filter((r) => r.rps !== undefined).map((r) =>
    `${r.key} ${r.rps} (${(r.rps! / r.baseline).toFixed(2)}× ${r.baseline})`
  );
  const fast = rows.every((r) => r.rps !== undefined && r.rps >= GOALS.factor * r.baseline);
  const ratio = gatewayRatioOnGet;
  return [
    `through the gateway against the baseline, goal ≥ ${GOALS.factor}× each: ${
      measured.join(", ")
    }: ${met(fast)}`,
    `gateway ÷ direct on a get ${ratio ?? "–"}, goal ≥ ${GOALS.gatewayRatio}: ${
      met(ratio !== null && ratio >= GOALS.gatewayRatio)
    }`,
    `services' peak RSS ${peakTotalRssMb} MB, goal ≤ ${GOALS.rssMb}: ${
      met(peakTotalRssMb <= GOALS.rssMb)
    }`,
  ];
}
