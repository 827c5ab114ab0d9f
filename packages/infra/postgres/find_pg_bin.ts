import { run } from "./_util.ts";

/**
 * The directory holding `initdb`, `pg_ctl` and `postgres`: `PG_BIN` when set, else the newest
 * `/usr/lib/postgresql/<n>/bin` (Debian's layout), else `pg_config --bindir`. Undefined when none
 * has `initdb`.
 */
export async function findPgBin(): Promise<string | undefined> {
  const candidates: string[] = [];
  const fromEnv = Deno.env.get("PG_BIN");
  if (fromEnv) candidates.push(fromEnv);
  try {
    const versions = [...Deno.readDirSync("/usr/lib/postgresql")]
      .map((entry) => Number(entry.name)).filter(Number.isFinite).sort((a, b) => b - a);
    candidates.push(...versions.map((v) => `/usr/lib/postgresql/${v}/bin`));
  } catch { /* not Debian's layout */ }
  try {
    candidates.push((await run("pg_config", ["--bindir"])).trim());
  } catch { /* no pg_config */ }
  return candidates.find((dir) => {
    try {
      return Deno.statSync(`${dir}/initdb`).isFile && Deno.statSync(`${dir}/pg_ctl`).isFile;
    } catch {
      return false;
    }
  });
}
