// deno-lint-ignore-file no-console
import assert from "node:assert/strict";
import { startPostgres } from "@pms/infra";
import { silentLogger } from "@pms/testing";
import { Database } from "./database.ts";
import { isDatabaseUnavailable } from "./is_database_unavailable.ts";

/** One query of the load: how long it took and how it ended. */
interface Outcome {
  start: number;
  end: number;
  ok: boolean;
  unavailable: boolean;
  error?: string;
}

// 32 clients on a pool of 4, half of them in transactions, none pausing after a failure: the load
// that made postgres.js 3.4.9 hang connections and crash the process (see vendor/postgres).
Deno.test("Database: a server restarted under load fails queries fast and the same pool serves again", async () => {
  const pg = await startPostgres({
    databases: ["restart"],
    logger: silentLogger(),
    mode: "test",
    fast: true,
    env: {},
  });
  if (!pg.pause || !pg.resume) {
    await pg.stop();
    return console.log("skipped: this PostgreSQL cannot be stopped");
  }
  const db = await Database.connect({ url: pg.urls.restart!, max: 4, logger: silentLogger() });
  const outcomes: Outcome[] = [];
  let stopping = false;
  const client = async () => {
    while (!stopping) {
      const start = performance.now();
      let timer: ReturnType<typeof setTimeout> | undefined;
      const hang = new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error("no answer in 8 s")), 8_000);
      });
      try {
        const query = Math.random() < 0.5
          ? db.sql`select 1 as one`
          : db.sql.begin((tx) => tx`select 2 as two`);
        await Promise.race([query, hang]);
        outcomes.push({ start, end: performance.now(), ok: true, unavailable: false });
      } catch (error) {
        outcomes.push({
          start,
          end: performance.now(),
          ok: false,
          unavailable: isDatabaseUnavailable(error),
          error: String(error),
        });
      } finally {
        clearTimeout(timer);
      }
    }
  };
  try {
    const clients = Array.from({ length: 32 }, client);
    await new Promise((r) => setTimeout(r, 500));
    await pg.pause();
    const down = performance.now();
    await new Promise((r) => setTimeout(r, 2_000));
    const resuming = performance.now();
    await pg.resume();
    const up = performance.now();
    await new Promise((r) => setTimeout(r, 3_000));
    stopping = true;
    await Promise.all(clients);

    const failures = outcomes.filter((o) => !o.ok);
    const odd = failures.filter((o) => !o.unavailable).map((o) => o.error);
    assert.deepEqual([...new Set(odd)], [], "every failure is an unavailable error");
    const during = outcomes.filter((o) => o.start >= down && o.end <= resuming);
    assert.ok(during.length > 0 && during.every((o) => !o.ok), "queries fail while it is down");
    const longest = Math.max(...outcomes.map((o) => o.end - o.start));
    assert.ok(longest < 3_000, `longest query ${Math.round(longest)} ms`);
    const firstOk = outcomes.find((o) => o.start >= up && o.ok);
    assert.ok(firstOk, "served again after the restart");
    const later = outcomes.filter((o) => o.start > firstOk.end && !o.ok);
    assert.deepEqual(later.map((o) => o.error), [], "no failure once served again");
    console.log(
      `postgres restart: ${outcomes.length} queries, ${during.length} while down, longest ` +
        `${Math.round(longest)} ms, served ${Math.round(firstOk.end - up)} ms after it was back`,
    );
  } finally {
    stopping = true;
    await db.close(1);
    await pg.stop();
  }
});
