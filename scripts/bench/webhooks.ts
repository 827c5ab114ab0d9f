// deno-lint-ignore-file no-console
/**
 * `deno task bench:webhooks`: starts the whole system (real PostgreSQL and Kafka), registers a
 * webhook for `patient.created` to a receiver on loopback (`WEBHOOK_ALLOW_INSECURE=true`, as
 * `deno task dev` sets it), creates patients through the gateway, and prints the delivery
 * latency from each create request to its signed delivery reaching the receiver (p50/p99), and
 * the sustained rate of deliveries during a burst. Figures, not assertions. Results also go to
 * `.results/bench_webhooks.json`.
 *
 *     deno task bench:webhooks [--latency N] [--burst N] [--concurrency C]
 *
 * @module
 */
import { createPatients, gatewayPrefix, lagSpread, loginSeededUser, numberArg } from "./_util.ts";
import { writeResult } from "./report.ts";
import { startBenchSystem } from "./system.ts";

const LATENCY_N = numberArg("latency", 200);
const BURST_N = numberArg("burst", 1000);
const CONCURRENCY = numberArg("concurrency", 32);

const received = new Map<string, number>();
const receiver = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen() {} }, async (req) => {
  const at = Date.now();
  const body = await req.json().catch(() => undefined);
  const patientId = body?.data?.patientId;
  if (typeof patientId === "string" && !received.has(patientId)) received.set(patientId, at);
  return new Response(null, { status: 204 });
});

const bench = await startBenchSystem({
  databases: [],
  fast: true,
  env: { WEBHOOK_ALLOW_INSECURE: "true" },
});
const gateway = bench.system.urls.gateway!;
const patients = `${gateway}${gatewayPrefix("patient")}/patients`;

async function createMany(token: string, n: number, concurrency: number) {
  return (await createPatients(patients, token, { n, concurrency, label: "Hook" })).sent;
}

async function arrived(ids: string[], timeoutMs = 120_000) {
  const until = Date.now() + timeoutMs;
  while (ids.some((id) => !received.has(id)) && Date.now() < until) {
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

try {
  const token = await loginSeededUser(gateway);
  const hook = await fetch(`${gateway}/api/webhooks`, {
    method: "POST",
    headers: { Authorization: `Bearer ${token}`, "Content-Type": "application/json" },
    body: JSON.stringify({
      url: `http://127.0.0.1:${receiver.addr.port}/hook`,
      events: ["patient.created"],
    }),
  });
  if (hook.status !== 201) throw new Error(`webhook not created: ${await hook.text()}`);
  await hook.body?.cancel();
  await arrived([...(await createMany(token, 30, 4)).keys()]); // warm-up

  const steady = await createMany(token, LATENCY_N, 4);
  await arrived([...steady.keys()]);
  const lags = [...steady].flatMap(([id, t0]) => {
    const at = received.get(id);
    return at === undefined ? [] : [at - t0];
  }).sort((a, b) => a - b);

  const burstStart = Date.now();
  const burst = await createMany(token, BURST_N, CONCURRENCY);
  await arrived([...burst.keys()]);
  const burstArrivals = [...burst.keys()].flatMap((id) => received.get(id) ?? []);
  const lastArrival = Math.max(...burstArrivals);
  const result = {
    machine: `${navigator.hardwareConcurrency} cores, Deno ${Deno.version.deno}`,
    latency: { deliveries: lags.length, ...lagSpread(lags, steady.size) },
    burst: {
      created: burst.size,
      delivered: burstArrivals.length,
      concurrency: CONCURRENCY,
      deliveriesPerSecond: Math.round(burstArrivals.length / ((lastArrival - burstStart) / 1000)),
    },
  };
  console.log(`
create → signed webhook delivery received, through the gateway, real Kafka and PostgreSQL
  latency (${result.latency.deliveries} deliveries, 4 in flight)   p50 ${result.latency.p50Ms} ms   p99 ${result.latency.p99Ms} ms   max ${result.latency.maxMs} ms   lost ${result.latency.lost}
  burst (${result.burst.created} creates, ${CONCURRENCY} in flight)   ${result.burst.deliveriesPerSecond} deliveries/s end to end   delivered ${result.burst.delivered}
`);
  await writeResult("bench_webhooks.json", result);
} finally {
  await bench.stop();
  await receiver.shutdown();
}
