import assert from "node:assert/strict";
import postgres from "postgres";
import { databaseUrl } from "@pms/infra";
import { Logger } from "@pms/log";
import { createTestDatabase, silentLogger } from "@pms/testing";
import { Database } from "./database.ts";

/** A migrations folder of its own: a table with a sequence, a view, and a careless function. */
async function migrationsDir(): Promise<string> {
  const dir = await Deno.makeTempDir({ prefix: "pms-grant-" });
  await Deno.writeTextFile(
    `${dir}/00001_things.sql`,
    `create table things (id serial primary key, name text not null);
     create view thing_names as select name from things;
     create function count_things() returns bigint language sql security definer
       as 'select count(*) from things';`,
  );
  return dir;
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

/** The test database's login URL with an awkward name and password, to prove the quoting. */
function awkwardLogin(loginUrl: string): string {
  const url = new URL(loginUrl);
  url.username = encodeURIComponent(`${decodeURIComponent(url.username)}"o'hara`);
  url.password = encodeURIComponent(`p'w"@%;--`);
  return url.toString();
}

Deno.test("Database.connect() with an owner URL migrates as the owner and gives the login rows, never DDL", async () => {
  const created = await createTestDatabase("grant");
  const dir = await migrationsDir();
  const loginUrl = awkwardLogin(created.loginUrl);
  const login = decodeURIComponent(new URL(loginUrl).username);
  const lines: string[] = [];
  const logger = new Logger({ service: "test", write: (line) => lines.push(line) });
  try {
    const db = await Database.connect({
      url: loginUrl,
      ownerUrl: created.url,
      logger,
      migrationsDir: dir,
    });
    try {
      const [me] = await db.sql<{ user: string }[]>`select current_user as user`;
      assert.equal(me!.user, login, "the pool runs as the login, created with its odd name");
      await db.sql`insert into things (name) values ('a'), ('b')`;
      await db.sql`update things set name = 'c' where name = 'b'`;
      await db.sql`delete from things where name = 'a'`;
      assert.deepEqual([...await db.sql`select name from thing_names`], [{ name: "c" }]);
      const [owned] = await db.sql<{ n: number }[]>`
        select count(*)::int as n from pg_class where relowner = current_user::regrole`;
      assert.equal(owned!.n, 0, "the login owns nothing");
    } finally {
      await db.close();
    }
    // Granting itself more grants nothing (PostgreSQL only warns): TRUNCATE below stays refused.
    await run(loginUrl, `grant truncate on things to "${login.replaceAll('"', '""')}"`);
    for (
      const statement of [
        "create table more (id int)",
        "create index things_name on things (name)",
        "alter table things add column note text",
        "drop table things",
        "truncate things",
        "create temporary table scratch (id int)",
        "create schema mine",
        "create function public.f() returns int language sql as 'select 1'",
        "select * from migrations",
      ]
    ) {
      await assert.rejects(run(loginUrl, statement), /permission denied|must be owner/, statement);
    }
    assert.ok(
      lines.some((l) => l.includes("SECURITY DEFINER") && l.includes("count_things()")),
      "a SECURITY DEFINER function without a search_path is reported",
    );
  } finally {
    await Deno.remove(dir, { recursive: true });
    await created.drop();
    // Its privileges went with the database.
    await run(databaseUrl(created.url, "postgres"), `drop role "${login.replaceAll('"', '""')}"`);
  }
});

Deno.test("Database.connect() grants exactly privileges.json: a later start revokes what it no longer lists", async () => {
  const created = await createTestDatabase("grant");
  const dir = await migrationsDir();
  const connect = async () => {
    const db = await Database.connect({
      url: created.loginUrl,
      ownerUrl: created.url,
      logger: silentLogger(),
      migrationsDir: dir,
    });
    await db.close();
  };
  try {
    await connect();
    await run(created.loginUrl, "insert into things (name) values ('a')");
    // Started as its own login alone (after an init container migrated as the owner): the
    // migrations are left to the owner and the pool serves.
    const alone = await Database.connect({
      url: created.loginUrl,
      logger: silentLogger(),
      migrationsDir: dir,
    });
    try {
      assert.equal((await alone.sql`select count(*)::int as n from things`)[0]!.n, 1);
    } finally {
      await alone.close();
    }
    await Deno.writeTextFile(
      `${dir}/privileges.json`,
      JSON.stringify({ tables: ["SELECT"], byTable: { things: ["SELECT", "INSERT"] } }),
    );
    await connect();
    await run(created.loginUrl, "insert into things (name) values ('b')");
    await assert.rejects(run(created.loginUrl, "delete from things"), /permission denied/);
    await assert.rejects(
      run(created.loginUrl, "update things set name = 'x'"),
      /permission denied/,
    );

    await Deno.writeTextFile(`${dir}/privileges.json`, JSON.stringify({ tables: ["DROP"] }));
    await assert.rejects(connect(), /privileges\.json/);
    await Deno.writeTextFile(`${dir}/privileges.json`, JSON.stringify({ byTable: { nope: [] } }));
    await assert.rejects(connect(), /do not exist: nope/);
    await assert.rejects(
      Database.connect({
        url: created.loginUrl,
        ownerUrl: databaseUrl(created.url, "elsewhere"),
        logger: silentLogger(),
        migrationsDir: dir,
      }),
      /DATABASE_OWNER_URL must name the same database/,
    );
  } finally {
    await Deno.remove(dir, { recursive: true });
    await created.drop();
  }
});

Deno.test("Database.connect() without an owner URL lets DATABASE_URL own and migrate, as before", async () => {
  const created = await createTestDatabase("grant");
  const dir = await migrationsDir();
  try {
    const db = await Database.connect({
      url: created.url,
      logger: silentLogger(),
      migrationsDir: dir,
    });
    try {
      await db.sql`alter table things add column note text`;
      const [login] = await db.sql`select 1 from pg_roles where rolname = ${
        decodeURIComponent(new URL(created.loginUrl).username)
      }`;
      assert.equal(login, undefined, "no login is made");
    } finally {
      await db.close();
    }
  } finally {
    await Deno.remove(dir, { recursive: true });
    await created.drop();
  }
});

Deno.test("Database.connect() with an owner URL gives an existing login the URL's new password", async () => {
  const created = await createTestDatabase("grant");
  const dir = await migrationsDir();
  const login = decodeURIComponent(new URL(created.loginUrl).username);
  // The test server trusts local logins, so the stored verifier is compared (the owner here is a
  // superuser, who may read pg_authid).
  const verifier = async () =>
    (await run(created.url, `select rolpassword from pg_authid where rolname = '${login}'`))[0]
      ?.rolpassword;
  const open = async (loginUrl: string) =>
    await Database.connect({
      url: loginUrl,
      ownerUrl: created.url,
      logger: silentLogger(),
      migrationsDir: dir,
    });
  try {
    await (await open(created.loginUrl)).close();
    const before = await verifier();
    const rotated = new URL(created.loginUrl);
    rotated.password = "rotated-password-1";
    await (await open(rotated.toString())).close();
    const after = await verifier();
    assert.ok(before && after);
    assert.notEqual(after, before, "the login's password changed");
  } finally {
    await Deno.remove(dir, { recursive: true });
    await created.drop();
  }
});
