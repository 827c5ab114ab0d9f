import assert from "node:assert/strict";
import postgres from "postgres";
import { silentLogger } from "@pms/testing";
import { startPostgres } from "./start_postgres.ts";

Deno.test("startPostgres(): a local server pauses and resumes on the same port with its data, and stop() removes it", async () => {
  const pg = await startPostgres({
    databases: ["kept"],
    logger: silentLogger(),
    mode: "test",
    fast: true,
    env: {},
  });
  if (pg.kind !== "local") return await pg.stop(); // only a local server can be paused
  const url = pg.urls.kept!;
  const port = Number(new URL(url).port);
  const query = async (text: string) => {
    const sql = postgres(url, { max: 1, onnotice: () => {}, connect_timeout: 2 });
    try {
      return await sql.unsafe(text);
    } finally {
      await sql.end({ timeout: 1 });
    }
  };
  try {
    await query("create table t (v int); insert into t values (42)");
    await pg.pause!();
    await assert.rejects(Deno.connect({ hostname: "127.0.0.1", port }), "nothing listens");
    await pg.resume!();
    assert.deepEqual([...await query("select v from t")], [{ v: 42 }]);
  } finally {
    await pg.stop();
  }
  await assert.rejects(Deno.connect({ hostname: "127.0.0.1", port }));
  assert.equal(await Deno.stat(pg.local!.dataDir).catch(() => undefined), undefined);
});
