import assert from "node:assert/strict";
import { signalCommit, wakeOnCommit } from "./commit_signal.ts";

Deno.test("signalCommit() wakes the workers registered on its channels while they run", () => {
  const woken: string[] = [];
  const a = { wake: () => woken.push("a") };
  const b = { wake: () => woken.push("b") };
  const waking = wakeOnCommit({ "test.a": a, "test.b": b });
  signalCommit("test.a");
  assert.deepEqual(woken, [], "nothing is woken before start()");
  waking.start();
  signalCommit("test.a");
  signalCommit("test.b", "test.none");
  assert.deepEqual(woken, ["a", "b"]);
  waking.stop();
  signalCommit("test.a", "test.b");
  assert.deepEqual(woken, ["a", "b"], "nothing is woken after stop()");
});
