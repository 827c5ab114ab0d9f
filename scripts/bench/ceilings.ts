/**
 * The ceilings the HTTP and insert figures are read against, measured in the same run: a bare
 * Hono handler on Deno under the same wrk scenario, and pgbench inserting a patient row and an
 * outbox row per transaction on the same PostgreSQL server.
 *
 * @module
 */
import postgres from "postgres";
import { freePort, waitForHttp } from "@pms/infra";
import { runCommand } from "./_util.ts";
import { type Run, runWrk } from "./wrk.ts";

const HERE = new URL("./", import.meta.url).pathname;

/**
 * Starts `bare_hono.ts`, lists its page of 50 with 64 connections for `seconds`, stops it and
 * returns the run (target `ceiling`). `dir` is a scratch folder for the path file.
 */
export async function bareHonoCeiling(dir: string, token: string, seconds: number): Promise<Run> {
  const port = freePort();
  const bare = new Deno.Command(Deno.execPath(), {
    args: ["run", "--allow-net", "--allow-env", `${HERE}bare_hono.ts`],
    env: { PORT: String(port) },
    stdout: "null",
    stderr: "null",
  }).spawn();
  try {
    const url = `http://127.0.0.1:${port}`;
    await waitForHttp(`${url}/patients`, 10_000);
    await Deno.writeTextFile(`${dir}/bare.txt`, "/patients");
    return await runWrk({
      scenario: "list",
      target: "ceiling",
      connections: 64,
      seconds,
      url,
      script: "get.lua",
      args: [`${dir}/bare.txt`, token],
    });
  } finally {
    bare.kill("SIGTERM");
    await bare.status;
  }
}

/**
 * Runs `insert.sql` with pgbench (16 clients, 2 threads) for `seconds` on the database at
 * `databaseUrl`, after making its tables, and returns the transactions per second.
 */
export async function pgbenchInsertTps(databaseUrl: string, seconds: number): Promise<number> {
  const sql = postgres(databaseUrl, { max: 1, onnotice: () => {} });
  try {
    await sql`create table bench_patients (id uuid primary key, name text not null,
      email text not null, address text not null, date_of_birth date not null,
      registered_date date not null)`;
    await sql`create unique index on bench_patients (lower(email))`;
    await sql`create table bench_outbox (id bigserial primary key, event_id uuid not null,
      payload bytea not null)`;
  } finally {
    await sql.end();
  }
  const pgbin = (await runCommand("sh", [
    "-c",
    "ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1",
  ])).trim();
  const url = new URL(databaseUrl);
  const out = await runCommand(`${pgbin}/pgbench`, [
    "-n",
    "-c",
    "16",
    "-j",
    "2",
    "-T",
    String(seconds),
    "-f",
    `${HERE}insert.sql`,
    "-h",
    url.hostname,
    "-p",
    url.port,
    "-U",
    decodeURIComponent(url.username),
    url.pathname.slice(1),
  ], { PGPASSWORD: decodeURIComponent(url.password) });
  return Number(/tps = ([\d.]+)/.exec(out)?.[1] ?? NaN);
}
