/**
 * Every service's database login, on a real PostgreSQL server and the services' real migrations:
 * `MIGRATE_ONLY=true` (an init container) migrates as the owner (`DATABASE_OWNER_URL`), creates
 * the service's own login (`DATABASE_URL`) and grants it only its rights, then exits 0; that
 * login changes rows but runs no DDL and owns nothing, and the audit service's may not change or
 * remove any row at all.
 */
import assert from "node:assert/strict";
import postgres from "postgres";
import { createTestDatabase, type TestDatabase } from "@pms/testing";
import { catalog } from "../services/catalog.ts";

const ROOT = new URL("../", import.meta.url).pathname;
const WITH_DATABASE = catalog.services.filter((s) => s.database);

/** Runs the service's main.ts as the image does, with `env` only; resolves with its exit. */
async function runMain(name: string, env: Record<string, string>) {
  const spec = catalog.services.find((s) => s.name === name)!;
  const output = await new Deno.Command(Deno.execPath(), {
    args: ["run", "--quiet", ...spec.permissions, `services/${name}/main.ts`],
    cwd: ROOT,
    clearEnv: true,
    env: { PATH: Deno.env.get("PATH") ?? "", HOME: Deno.env.get("HOME") ?? "", ...env },
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  }).output();
  const text = new TextDecoder();
  return {
    code: output.code,
    output: text.decode(output.stdout) + text.decode(output.stderr),
  };
}

/** Runs `statement` as `url`'s login on a connection of its own. */
async function run(url: string, statement: string): Promise<postgres.Row[]> {
  const sql = postgres(url, { max: 1, onnotice: () => {} });
  try {
    return [...await sql.unsafe(statement)];
  } finally {
    await sql.end({ timeout: 1 });
  }
}

Deno.test("MIGRATE_ONLY=true migrates every service as the owner, and its own login runs no DDL", async () => {
  const databases: TestDatabase[] = [];
  try {
    for (const spec of WITH_DATABASE) {
      databases.push(await createTestDatabase(spec.database));
    }
    // One after another: six Deno processes at once are more than the test machine should carry.
    for (const [i, spec] of WITH_DATABASE.entries()) {
      const db = databases[i]!;
      const result = await runMain(spec.name, {
        DATABASE_URL: db.loginUrl,
        DATABASE_OWNER_URL: db.url,
        MIGRATE_ONLY: "true",
        // As in the init container: production, and none of the service's other secrets (auth's
        // signing key, audit's checkpoint key, Kafka's credentials).
        APP_ENV: "production",
        LOG_LEVEL: "info",
      });
      assert.equal(result.code, 0, `${spec.name}: ${result.output}`);
      assert.match(result.output, /"migrated; exiting \(MIGRATE_ONLY\)"/, spec.name);

      const tables = await run(
        db.url,
        `select relname::text as name from pg_class
         where relnamespace = 'public'::regnamespace and relkind in ('r', 'p')
           and relname <> 'migrations' order by relname`,
      );
      assert.ok(tables.length > 0, `${spec.name} has tables`);
      const [owned] = await run(
        db.loginUrl,
        "select count(*)::int as n from pg_class where relowner = current_user::regrole",
      );
      assert.equal(owned!.n, 0, `${spec.name}'s login owns nothing`);
      const some = String(tables[0]!.name);
      for (
        const statement of [
          "create table intruder (id int)",
          `alter table "${some}" add column intruder text`,
          `drop table "${some}"`,
          `truncate "${some}"`,
          "create temporary table intruder (id int)",
          "create schema intruder",
          "select * from migrations",
        ]
      ) {
        await assert.rejects(
          run(db.loginUrl, statement),
          /permission denied|must be owner/,
          `${spec.name}: ${statement}`,
        );
      }
      // Rows: every table readable; each of a normal service's writable, none of audit's.
      const rights = await run(
        db.loginUrl,
        `select relname::text as name, has_table_privilege(oid, 'SELECT') as select,
                has_table_privilege(oid, 'INSERT') as insert,
                has_table_privilege(oid, 'UPDATE') or has_table_privilege(oid, 'DELETE') as change
         from pg_class where relnamespace = 'public'::regnamespace and relkind in ('r', 'p')
           and relname <> 'migrations'`,
      );
      for (const table of rights) {
        assert.equal(table.select, true, `${spec.name}: ${table.name}`);
        assert.equal(table.insert, true, `${spec.name}: ${table.name}`);
        if (spec.name === "audit") assert.equal(table.change, false, `audit: ${table.name}`);
      }
      if (spec.name !== "audit") {
        assert.ok(rights.some((t) => t.change), `${spec.name}'s login changes rows`);
      }

      // A second start finds the login and the migrations done, and grants the same.
      const again = await runMain(spec.name, {
        DATABASE_URL: db.loginUrl,
        DATABASE_OWNER_URL: db.url,
        MIGRATE_ONLY: "1",
        APP_ENV: "test",
      });
      assert.equal(again.code, 0, `${spec.name}: ${again.output}`);
    }
  } finally {
    for (const db of databases) await db.drop();
  }
});
