/**
 * moto's server as the LocalStack-compatible AWS API of the deploy tests, started by the project's
 * launcher (scripts/localstack/moto_server.py, which patches moto's known gaps) on a free loopback
 * port, so runs never collide.
 *
 * @module
 */
import { freePort } from "@pms/infra";
import { ROOT } from "./run.ts";

/** A running moto server. */
export interface Moto {
  port: number;
  endpoint: string;
  /** Ends the server (SIGTERM, SIGKILL after 10 s) and waits for it. */
  stop(): Promise<void>;
}

/** Starts moto with the venv's `python`; its stderr goes to `logPath`. */
export async function startMoto(python: string, logPath: string): Promise<Moto> {
  const port = freePort();
  const log = await Deno.open(logPath, { write: true, create: true, truncate: true });
  const child = new Deno.Command(python, {
    args: [`${ROOT}scripts/localstack/moto_server.py`, "--host", "127.0.0.1", "--port", `${port}`],
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  const stderrDone = child.stderr.pipeTo(log.writable);
  const reader = child.stdout.pipeThrough(new TextDecoderStream()).getReader();
  let seen = "";
  const deadline = Date.now() + 60_000;
  while (!seen.includes("moto ready on ")) {
    const timeLeft = deadline - Date.now();
    const next = await Promise.race([
      reader.read(),
      new Promise<"timeout">((resolve) => setTimeout(() => resolve("timeout"), timeLeft)),
    ]);
    if (next === "timeout" || next.done) {
      child.kill("SIGKILL");
      await child.status;
      throw new Error(`moto did not start: ${seen}\n${await Deno.readTextFile(logPath)}`);
    }
    seen += next.value;
  }
  const stdoutDone = (async () => {
    while (!(await reader.read()).done) { /* drain */ }
  })();
  return {
    port,
    endpoint: `http://127.0.0.1:${port}`,
    async stop(): Promise<void> {
      try {
        child.kill("SIGTERM");
      } catch {
        // already gone
      }
      const killer = setTimeout(() => {
        try {
          child.kill("SIGKILL");
        } catch {
          // already gone
        }
      }, 10_000);
      await child.status;
      clearTimeout(killer);
      await Promise.all([stderrDone, stdoutDone]);
    },
  };
}
