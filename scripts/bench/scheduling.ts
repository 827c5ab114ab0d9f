// deno-lint-ignore-file no-console
/**
 * `deno task bench:scheduling`: starts the whole system (PostgreSQL, a real Kafka broker, every
 * service) and books appointments through the gateway with 16 concurrent clients (each booking:
 * the patient check, the exclusion constraints, the event and the audit record in one
 * transaction), first all on one schedule, then spread over many; then asks for a month of slots
 * of the busy schedule. Prints bookings/s and p50/p99, and slot queries' p50/p99. Figures, not
 * assertions; results also go to `.results/bench_scheduling.json`.
 *
 *     deno task bench:scheduling [--seconds N] [--clients N] [--schedules N]
 *
 * @module
 */
import { callGateway, gatewayPrefix, loginSeededUser, numberArg, percentile } from "./_util.ts";
import { closedLoop } from "./closed_loop.ts";
import { writeResult } from "./report.ts";
import { startBenchSystem } from "./system.ts";

const SECONDS = numberArg("seconds", 10);
const CLIENTS = numberArg("clients", 16);
const SCHEDULES = numberArg("schedules", 16);
const PATIENTS = 64;
const SLOT_MS = 5 * 60_000;

const bench = await startBenchSystem({ databases: [] });
const gateway = bench.system.urls.gateway!;
const api = `${gateway}${gatewayPrefix("scheduling")}`;

const call = (token: string, path: string, body?: unknown) =>
  callGateway(gateway, token, path, body);

/** A room open around the clock in UTC, in 5-minute slots. */
async function schedule(token: string, n: number): Promise<string> {
  const created = await call(token, `${gatewayPrefix("scheduling")}/schedules`, {
    name: `Bench room ${n}`,
    kind: "ROOM",
    timeZone: "UTC",
    slotMinutes: 5,
    availability: ["MON", "TUE", "WED", "THU", "FRI", "SAT", "SUN"].map((weekday) => ({
      weekday,
      start: "00:00",
      end: "24:00",
    })),
  });
  return created.id;
}

/**
 * `CLIENTS` loops booking the next free 5-minute slot of `schedules[i % n]` (each schedule's
 * slots taken in turn from tomorrow on) for `SECONDS`: bookings/s, p50, p99, errors.
 */
async function bookOn(token: string, schedules: string[], patients: string[], from: number) {
  const { done, ...load } = await closedLoop(CLIENTS, SECONDS, (n) => {
    // Each schedule's own sequence of slots; a patient's bookings never overlap either.
    const start = from + Math.floor(n / schedules.length) * SLOT_MS;
    return fetch(`${api}/appointments`, {
      method: "POST",
      headers: { Authorization: `Bearer ${token}`, "Content-Type": "application/json" },
      body: JSON.stringify({
        patientId: patients[n % patients.length],
        scheduleId: schedules[n % schedules.length]!,
        start: new Date(start).toISOString(),
        end: new Date(start + SLOT_MS).toISOString(),
      }),
    });
  });
  return { bookings: done, ...load };
}

/** A month of slots of `scheduleId`, asked `times` times one after another: p50, p99. */
async function slotQueries(token: string, scheduleId: string, times = 50) {
  const from = Temporal.Now.plainDateISO("UTC").add({ days: 1 });
  const to = from.add({ days: 30 });
  const took: number[] = [];
  let slots = 0;
  for (let i = 0; i < times; i++) {
    const t0 = performance.now();
    const res = await fetch(`${api}/schedules/${scheduleId}/slots?from=${from}&to=${to}`, {
      headers: { Authorization: `Bearer ${token}` },
    });
    const body = await res.json();
    took.push(performance.now() - t0);
    slots = body.length;
  }
  took.sort((a, b) => a - b);
  return {
    queries: times,
    slotsPerAnswer: slots,
    p50Ms: Number(percentile(took, 50).toFixed(1)),
    p99Ms: Number(percentile(took, 99).toFixed(1)),
  };
}

try {
  const token = await loginSeededUser(gateway);
  const patients: string[] = [];
  for (let i = 0; i < PATIENTS; i++) {
    const patient = await call(token, `${gatewayPrefix("patient")}/patients`, {
      name: `Scheduling Bench ${i}`,
      email: `scheduling.bench.${i}.${crypto.randomUUID().slice(0, 8)}@example.com`,
      address: "1 Calendar Road",
      dateOfBirth: "1980-01-01",
      registeredDate: "2024-01-01",
    });
    patients.push(patient.id);
  }
  const one = [await schedule(token, 0)];
  const many: string[] = [];
  for (let i = 1; i <= SCHEDULES; i++) many.push(await schedule(token, i));
  const tomorrow = Math.ceil((Date.now() + 86_400_000) / 86_400_000) * 86_400_000;
  // Warm-up on a schedule of its own: JIT, pools, plans.
  if (SECONDS > 2) await bookOn(token, [await schedule(token, 99)], patients, tomorrow);
  const result = {
    clients: CLIENTS,
    seconds: SECONDS,
    oneSchedule: await bookOn(token, one, patients, tomorrow + 400 * 86_400_000),
    manySchedules: {
      schedules: SCHEDULES,
      ...await bookOn(token, many, patients, tomorrow + 800 * 86_400_000),
    },
    slotsOverAMonth: await slotQueries(token, one[0]!),
  };
  const line = (label: string, r: typeof result.oneSchedule) =>
    `  ${label.padEnd(22)} ${String(r.perSecond).padStart(5)} bookings/s   p50 ${
      String(r.p50Ms).padStart(6)
    } ms   p99 ${String(r.p99Ms).padStart(6)} ms   errors ${r.errors}`;
  const q = result.slotsOverAMonth;
  console.log(`
bookings through the gateway, ${CLIENTS} concurrent clients, ${SECONDS} s each (patient check, events, audit on)
${line("one schedule", result.oneSchedule)}
${line(`${SCHEDULES} schedules`, result.manySchedules)}
slots of one schedule over a month (${q.slotsPerAnswer} slots an answer): p50 ${q.p50Ms} ms   p99 ${q.p99Ms} ms
`);
  await writeResult("bench_scheduling.json", result);
} finally {
  await bench.stop();
}
