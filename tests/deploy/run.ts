/**
 * Running the deployment's tools from the deploy tests: a command in a session of its own, with a
 * time-out that ends its whole process tree, and its output without ANSI colours.
 *
 * @module
 */
import assert from "node:assert/strict";

/** The repository root, as a path ending in `/`. */
export const ROOT = new URL("../../", import.meta.url).pathname;

/** What a finished command left. */
export interface Run {
  code: number;
  stdout: string;
  stderr: string;
  seconds: number;
}

const ANSI = new RegExp(String.fromCharCode(27) + "\\[[0-9;]*m", "g");
const stripAnsi = (text: string) => text.replaceAll(ANSI, "");

/**
 * Runs a command in a session of its own (setsid), so that on a time-out the whole tree (bash,
 * tflocal, terraform, the provider) is ended, not only the first process.
 */
export async function run(
  cmd: string,
  args: string[],
  options: { env?: Record<string, string>; cwd?: string; timeoutMs: number },
): Promise<Run> {
  const started = performance.now();
  const child = new Deno.Command("setsid", {
    args: [cmd, ...args],
    cwd: options.cwd ?? ROOT,
    env: options.env,
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  const timer = setTimeout(() => {
    try {
      Deno.kill(-child.pid, "SIGKILL");
    } catch {
      // already gone
    }
  }, options.timeoutMs);
  try {
    const output = await child.output();
    const decoder = new TextDecoder();
    return {
      code: output.code,
      stdout: stripAnsi(decoder.decode(output.stdout)),
      stderr: stripAnsi(decoder.decode(output.stderr)),
      seconds: (performance.now() - started) / 1000,
    };
  } finally {
    clearTimeout(timer);
  }
}

/** `result`, after asserting that it exited 0 (else the tail of its output is the message). */
export function mustSucceed(what: string, result: Run): Run {
  assert.equal(
    result.code,
    0,
    `${what} failed (exit ${result.code}):\n${result.stdout.slice(-4000)}\n${
      result.stderr.slice(-8000)
    }`,
  );
  return result;
}
