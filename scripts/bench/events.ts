// deno-lint-ignore-file no-console
/**
 * `deno task bench:events`: starts the whole system on a throwaway PostgreSQL and a real Kafka
 * broker, creates patients through the gateway, and prints how long each took from the create
 * request to being counted by analytics (p50/p99), and the sustained rate of events consumed.
 * Figures, not assertions. Results also go to `.results/bench_events.json`.
 *
 *     deno task bench:events [--latency N] [--burst N] [--concurrency C]
 *
 * @module
 */
import postgres from "postgres";
import { createPatients, gatewayPrefix, lagSpread, loginSeededUser, numberArg } from "./_util.ts";
import { consumedAt } from "./event_lag.ts";
import { writeResult } from "./report.ts";
import { startBenchSystem } from "./system.ts";

const LATENCY_N = numberArg("latency", 300);
const BURST_N = numberArg("burst", 2000);
const CONCURRENCY = numberArg("concurrency", 32);

const bench = await startBenchSystem({ databases: [], fast: true });
const { system, kafka } = bench;
const gateway = system.urls.gateway!;
const patients = `${gateway}${gatewayPrefix("patient")}/patients`;
const analytics = postgres(system.databaseUrls.analytics!, { max: 2, onnotice: () => {} });

/** Creates `n` patients, `concurrency` at a time; when each 201 was sent, by id, and the errors. */
function createMany(token: string, n: number, concurrency: number) {
  return createPatients(patients, token, { n, concurrency, label: "Bench" });
}

try {
  const token = await loginSeededUser(gateway);
  await createMany(token, 50, 4); // warm-up: JIT, pools, consumer groups

  // Latency: a steady trickle (4 at a time), each timed from its request to its consumption.
  const steady = await createMany(token, LATENCY_N, 4);
  const steadyIds = [...steady.sent.keys()];
  const steadyAt = await consumedAt(analytics, steadyIds);
  const lags = steadyIds.flatMap((id) => {
    const at = steadyAt.get(id);
    return at === undefined ? [] : [at - steady.sent.get(id)!];
  }).sort((a, b) => a - b);

  // Throughput: a burst at full concurrency; events consumed per second, first send to last.
  const burstStart = Date.now();
  const burst = await createMany(token, BURST_N, CONCURRENCY);
  const createdMs = Date.now() - burstStart;
  const burstAt = await consumedAt(analytics, [...burst.sent.keys()]);
  const lastConsumed = Math.max(...burstAt.values());
  const eventsPerSecond = burstAt.size / ((lastConsumed - burstStart) / 1000);

  const result = {
    machine: `${navigator.hardwareConcurrency} cores, Deno ${Deno.version.deno}`,
    broker: kafka.kind,
    latency: { events: lags.length, ...lagSpread(lags, steadyIds.length) },
    burst: {
      created: burst.sent.size,
      errors: burst.errors,
      concurrency: CONCURRENCY,
      createsPerSecond: Math.round(burst.sent.size / (createdMs / 1000)),
      consumed: burstAt.size,
      eventsPerSecond: Math.round(eventsPerSecond),
    },
  };
  console.log(`
create → consumed by analytics, through the gateway, real Kafka (${kafka.kind}) and PostgreSQL
  latency (${result.latency.events} events, 4 in flight)   p50 ${result.latency.p50Ms} ms   p99 ${result.latency.p99Ms} ms   max ${result.latency.maxMs} ms   lost ${result.latency.lost}
  burst (${result.burst.created} creates, ${CONCURRENCY} in flight)     ${result.burst.createsPerSecond} creates/s   ${result.burst.eventsPerSecond} events/s consumed end to end   errors ${result.burst.errors}
`);
  await writeResult("bench_events.json", result);
} finally {
  await analytics.end();
  await bench.stop();
}
