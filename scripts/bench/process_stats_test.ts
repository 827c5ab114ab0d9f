import assert from "node:assert/strict";
import { cpuTicks, RssPeak, serviceThreads, waitUntilQuiet } from "./process_stats.ts";

Deno.test("waitUntilQuiet() resolves after one window when the processes are idle", async () => {
  const sleeper = new Deno.Command("sleep", { args: ["5"] }).spawn();
  try {
    const { quiet, waitedMs } = await waitUntilQuiet([sleeper.pid], { windowMs: 200 });
    assert.equal(quiet, true);
    assert.ok(waitedMs < 1000, `waited ${waitedMs} ms`);
  } finally {
    sleeper.kill();
    await sleeper.status;
  }
});

Deno.test("waitUntilQuiet() gives up at the timeout while a process stays busy", async () => {
  const spinner = new Deno.Command("sh", { args: ["-c", "while :; do :; done"] }).spawn();
  try {
    const { quiet, percent } = await waitUntilQuiet([spinner.pid], {
      windowMs: 300,
      timeoutMs: 700,
    });
    assert.equal(quiet, false);
    assert.ok(percent > 10, `${percent} % of a core`);
  } finally {
    spinner.kill();
    await spinner.status;
  }
});

Deno.test("serviceThreads() names a process's threads that are no isolate's `shared threads`", () => {
  const threads = serviceThreads(Deno.pid, ["auth"]);
  const shared = threads["shared threads"] ?? [];
  assert.ok(shared.length > 0);
  for (const thread of shared) {
    assert.match(String(thread), new RegExp(`^${Deno.pid}/task/\\d+$`));
    assert.ok(cpuTicks(thread) >= 0);
  }
  assert.deepEqual(serviceThreads(2 ** 22 + 1, ["auth"]), { "shared threads": [] });
});

Deno.test("RssPeak.sample() answers the highest RSS of its own samples and keeps the overall peak", async () => {
  const peak = new RssPeak(() => [Deno.pid, Deno.pid]);
  const stop = peak.sample(5);
  await new Promise((resolve) => setTimeout(resolve, 40));
  const windowMb = stop();
  assert.ok(windowMb > 0, `sampled ${windowMb} MB`);
  assert.equal(peak.peakMb, windowMb);
  assert.equal(peak.sample(5)(), 0);
});
