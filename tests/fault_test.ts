// deno-lint-ignore-file no-console
/**
 * Faults under load, on real processes: the PostgreSQL server stopped and started again while
 * clients use the gateway, and a service killed with SIGKILL and started again. Each test drives a
 * bounded load, measures how long answers take while the part is down and how long the system
 * takes to serve again, and prints both.
 */
import assert from "node:assert/strict";
import { type PostgresHandle, startPostgres } from "@pms/infra";
import postgres from "postgres";
import { silentLogger, startSystem } from "@pms/testing";
import { catalog } from "../services/catalog.ts";
import { eventually, type Harness, newPatient, startHarness } from "./_system.ts";

/** Longer than this is a hang, whatever the fault. */
const HANG_MS = 8_000;

/** One answered (or failed) request of the load. */
interface Sample {
  what: string;
  /** When it was sent and answered, in ms on the `performance.now()` clock. */
  start: number;
  end: number;
  /** HTTP status, or 0 when no answer came (network error, or none within `HANG_MS`). */
  status: number;
  json: boolean;
  retryAfter: string | null;
  /** A created patient's id (201). */
  id?: string;
  error?: string;
}

/** A request the clients send. */
interface Call {
  what: string;
  path: string;
  method?: string;
  body?: () => unknown;
  /** Whether the fault is expected to fail it (else it must keep succeeding). */
  affected: boolean;
}

/** What a fault run measured. */
interface Figures {
  requests: number;
  /** Requests sent and answered while the part was down. */
  whileDown: number;
  statusesWhileDown: number[];
  /** The longest of those answers. */
  longestMs: number;
  /** From asking the part to come back until it was back (`mend` returned). */
  restartMs: number;
  /** From the part being back until every kind of call succeeds again and none fails. */
  recoveryMs: number;
  samples: Sample[];
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const ms = (t: number) => Math.round(t);
const ok = (s: Sample) => s.status >= 200 && s.status < 300;

/** Sends one call and records its answer; never throws. */
async function send(h: Harness, token: string, call: Call): Promise<Sample> {
  const start = performance.now();
  const sample: Sample = {
    what: call.what,
    start,
    end: 0,
    status: 0,
    json: false,
    retryAfter: null,
  };
  try {
    const res = await h.call(call.path, {
      method: call.method ?? "GET",
      token,
      body: call.body?.(),
      signal: AbortSignal.timeout(HANG_MS),
    });
    const text = await res.text();
    sample.status = res.status;
    sample.retryAfter = res.headers.get("Retry-After");
    try {
      const body = JSON.parse(text);
      sample.json = true;
      if (res.status === 201) sample.id = body.id;
    } catch { /* not JSON */ }
  } catch (error) {
    sample.error = String(error);
  }
  sample.end = performance.now();
  return sample;
}

/** `key status: count, …` for assertion messages. */
function tally(samples: Sample[]): string {
  const counts = new Map<string, number>();
  for (const s of samples) {
    const key = `${s.what} ${s.status || s.error?.slice(0, 80)}`;
    counts.set(key, (counts.get(key) ?? 0) + 1);
  }
  return [...counts].map(([k, n]) => `${k}: ${n}`).join(", ");
}

/**
 * Runs `clients` concurrent clients over `calls` (round robin) through the gateway: 2 s of normal
 * service, then `breakIt()`, `downMs` with the part down, then `mend()`, then until every kind of
 * call has succeeded again (at most 20 s) and 2 s more, and on until 2 s have passed without a
 * failure. Checks that requests sent while it was
 * down got one of `statuses` as JSON (503 with `Retry-After`) within `fastMs`, that unaffected
 * calls kept succeeding, that no request of the run hung or got a 500, and that nothing failed
 * once it had recovered.
 */
async function underFault(
  h: Harness,
  token: string,
  options: {
    calls: Call[];
    clients: number;
    breakIt: () => Promise<unknown>;
    mend: () => Promise<unknown>;
    downMs: number;
    statuses: number[];
    fastMs: number;
  },
): Promise<Figures> {
  const { calls } = options;
  const samples: Sample[] = [];
  let stopping = false;
  const clients = Array.from({ length: options.clients }, async (_, n) => {
    for (let i = n; !stopping; i++) {
      const sample = await send(h, token, calls[i % calls.length]!);
      samples.push(sample);
      if (!ok(sample)) await sleep(20); // failures come back fast: no spinning
    }
  });

  let down = 0, mending = 0, back = 0;
  try {
    await sleep(2_000);
    assert.ok(samples.some(ok), `served before the fault: ${tally(samples)}`);
    await options.breakIt();
    down = performance.now();
    await sleep(options.downMs);
    mending = performance.now();
    await options.mend();
    back = performance.now();
    await eventually("served again", () => {
      const after = samples.filter((s) => s.start >= back);
      return Promise.resolve(
        calls.every((c) => after.some((s) => s.what === c.what && ok(s))) || undefined,
      );
    }, 20_000).catch(() => {});
    // Then 2 s without a failure (at most 20 s after it was back), so that a late failure is
    // followed by calls that show whether it is served again; when that failure came is checked
    // below (within 5 s of it being back).
    const lastFailure = () =>
      Math.max(mending, ...samples.filter((s) => !ok(s) && s.end >= mending).map((s) => s.end));
    await sleep(2_000);
    while (performance.now() - lastFailure() < 2_000 && performance.now() - back < 20_000) {
      await sleep(100);
    }
  } finally {
    stopping = true;
    await Promise.all(clients);
  }

  const all = tally(samples);
  const statuses = options.statuses;
  for (const s of samples) {
    assert.ok(
      s.status !== 0,
      `no answer to ${s.what} (${s.error}) after ${ms(s.end - s.start)} ms`,
    );
    assert.ok(s.status < 500 || statuses.includes(s.status), `${s.what} got ${s.status}: ${all}`);
  }
  const during = samples.filter((s) => s.start >= down && s.end <= mending);
  for (const call of calls) {
    const mine = during.filter((s) => s.what === call.what);
    assert.ok(mine.length > 0, `${call.what} was sent while it was down`);
    for (const s of mine) {
      if (!call.affected) {
        assert.ok(ok(s), `${s.what} is not affected, got ${s.status}: ${all}`);
        continue;
      }
      assert.ok(statuses.includes(s.status), `${s.what} while down: ${s.status}; ${all}`);
      assert.ok(s.json, `${s.what} while down: a JSON body`);
      if (s.status === 503) assert.equal(s.retryAfter, "1", `${s.what}: 503 with Retry-After`);
    }
  }
  const affected = during.filter((s) => calls.find((c) => c.what === s.what)?.affected);
  const longestMs = Math.max(...affected.map((s) => s.end - s.start));
  assert.ok(longestMs < options.fastMs, `longest answer while down ${ms(longestMs)} ms`);

  // Served again from the moment every kind of call has succeeded and nothing fails any more.
  let recovered = back;
  for (const call of calls) {
    const first = samples.find((s) => s.what === call.what && s.start >= mending && ok(s));
    assert.ok(first, `${call.what} succeeds again after the fault: ${all}`);
    recovered = Math.max(recovered, first.end);
  }
  for (const s of samples) if (!ok(s) && s.end >= mending) recovered = Math.max(recovered, s.end);
  assert.ok(recovered - back < 5_000, `served again ${ms(recovered - back)} ms after it was back`);
  for (const call of calls) {
    const served = samples.filter((s) => s.what === call.what && s.start > recovered);
    assert.ok(served.length > 0, `${call.what} is served after recovering: ${all}`);
  }
  return {
    requests: samples.length,
    whileDown: affected.length,
    statusesWhileDown: [...new Set(affected.map((s) => s.status))].sort(),
    longestMs,
    restartMs: back - mending,
    recoveryMs: recovered - back,
    samples,
  };
}

function report(label: string, f: Figures): void {
  console.log(
    `${label}: ${f.requests} requests, ${f.whileDown} while down (${f.statusesWhileDown}), ` +
      `longest answer while down ${ms(f.longestMs)} ms; it was back ${ms(f.restartMs)} ms after ` +
      `being started, and the gateway served every call again ${ms(f.recoveryMs)} ms after that`,
  );
}

/** A PostgreSQL server of this test's own, so it can be stopped (only a local one can). */
async function ownPostgres(): Promise<PostgresHandle | undefined> {
  const pg = await startPostgres({
    databases: [],
    logger: silentLogger(),
    mode: "test",
    fast: true,
    env: {},
  });
  if (pg.pause && pg.resume && pg.serverUrl) return pg;
  await pg.stop();
  return undefined;
}

const LIST: Call = { what: "GET /api/patients", path: "/api/patients?size=20", affected: true };
const CREATE: Call = {
  what: "POST /api/patients",
  path: "/api/patients",
  method: "POST",
  body: () => newPatient(),
  affected: true,
};

Deno.test("PostgreSQL stopped under load: 503 fast while it is down, served again without a restart, no committed patient lost", async () => {
  const pg = await ownPostgres();
  if (!pg) return console.log("skipped: the PostgreSQL in use cannot be stopped");
  let h: Harness | undefined;
  try {
    h = await startHarness({ postgresUrl: pg.serverUrl });
    const token = await h.login();
    const patientHealth = `${h.system.urls.patient}/health`;
    const health: { start: number; end: number; status: number }[] = [];
    let probing = true;
    let stoppedAt = Infinity;
    // Probes until the fault is over, then (the pool may still be reconnecting when the load's
    // last call succeeds) until health answers 200 or 5 s have passed.
    const keepProbing = () =>
      probing ||
      (health.at(-1)?.status !== 200 && performance.now() - stoppedAt < 5_000);
    const probe = (async () => {
      while (keepProbing()) {
        const start = performance.now();
        const res = await fetch(patientHealth, { signal: AbortSignal.timeout(HANG_MS) })
          .catch(() => undefined);
        await res?.body?.cancel();
        health.push({ start, end: performance.now(), status: res?.status ?? 0 });
        await sleep(200);
      }
    })();
    let down = 0, up = 0;
    const f = await underFault(h, token, {
      calls: [LIST, CREATE, LIST],
      clients: 6,
      breakIt: async () => {
        await pg.pause!();
        down = performance.now();
      },
      mend: async () => {
        up = performance.now();
        await pg.resume!();
      },
      downMs: 4_000,
      statuses: [503],
      fastMs: 3_000,
    }).finally(() => {
      probing = false;
      stoppedAt = performance.now();
    });
    await probe;
    report("postgres stopped", f);

    // The service's health said DOWN while the database was, quickly, and UP again after.
    const healthDown = health.filter((s) => s.start >= down && s.end <= up);
    assert.ok(healthDown.length > 0, "health probed while down");
    assert.deepEqual([...new Set(healthDown.map((s) => s.status))], [503], "health DOWN");
    assert.ok(Math.max(...healthDown.map((s) => s.end - s.start)) < 3_000, "health answers fast");
    assert.equal(health.at(-1)?.status, 200, "health UP again");

    // Every patient the API said it created is there.
    const ids = f.samples.filter((s) => s.status === 201).map((s) => s.id!);
    assert.ok(ids.length > 0);
    for (const id of ids) {
      const res = await h.call(`/api/patients/${id}`, { token });
      await res.body?.cancel();
      assert.equal(res.status, 200, `created patient ${id} is readable`);
    }
    console.log(`postgres stopped: all ${ids.length} created patients readable afterwards`);

    // The background work recovered too: the outbox relay publishes every queued event.
    if (h.system.kafka) {
      const sql = postgres(h.system.databaseUrls.patient!, { max: 1, onnotice: () => {} });
      try {
        await eventually("outbox drained", async () => {
          const [row] = await sql`select count(*)::int as n from event_outbox`;
          return row!.n === 0 || undefined;
        }, 20_000);
      } finally {
        await sql.end();
      }
    }
  } finally {
    await h?.system.stop();
    await pg.stop();
  }
});

Deno.test("a service killed under load: the gateway answers 502/503 fast and serves again once it is back", async () => {
  const h = await startHarness({ services: ["auth", "billing", "patient", "gateway"] });
  try {
    const token = await h.login();
    const created = await h.call("/api/patients", { method: "POST", token, body: newPatient() });
    assert.equal(created.status, 201);
    const { id } = await created.json();
    await eventually("billing account", async () => {
      const res = await h.call(`/api/billing/accounts/${id}`, { token });
      await res.body?.cancel();
      return res.status === 200 || undefined;
    });
    const fault = (service: string) => ({
      breakIt: () => h.system.stopService(service, "SIGKILL"),
      mend: () => h.system.startService(service),
      downMs: 3_000,
      statuses: [502, 503],
      fastMs: 1_000,
      clients: 4,
    });

    report(
      "patient killed",
      await underFault(h, token, { calls: [LIST, CREATE], ...fault("patient") }),
    );

    const account: Call = {
      what: "GET /api/billing/accounts/{id}",
      path: `/api/billing/accounts/${id}`,
      affected: true,
    };
    report(
      "billing killed",
      await underFault(h, token, {
        calls: [account, { ...LIST, affected: false }],
        ...fault("billing"),
      }),
    );
  } finally {
    await h.system.stop();
  }
});

Deno.test("a service that dies unasked is started again on its port, as compose and ECS do", async () => {
  const system = await startSystem(catalog, { services: ["auth"] });
  try {
    const first = system.pid("auth")!;
    Deno.kill(first, "SIGKILL");
    const again = await eventually("auth healthy again", async () => {
      const pid = system.pid("auth");
      if (pid === undefined || pid === first) return undefined;
      const res = await fetch(`${system.urls.auth}/health`);
      await res.body?.cancel();
      return res.ok ? pid : undefined;
    });
    assert.notEqual(again, first);
    assert.equal(system.restarts.auth, 1);
    assert.ok(system.logs("auth").some((line) => line.includes("previous run exited (SIGKILL)")));
    // A service stopped on purpose stays stopped.
    await system.stopService("auth", "SIGKILL");
    await new Promise((r) => setTimeout(r, 500));
    assert.equal(system.pid("auth"), undefined);
    assert.equal(system.restarts.auth, 1);
  } finally {
    await system.stop();
  }
});
