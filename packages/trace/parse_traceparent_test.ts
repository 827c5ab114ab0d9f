import assert from "node:assert/strict";
import { newTraceId, parseTraceparent } from "./mod.ts";

Deno.test("parseTraceparent() takes a valid header apart and refuses the rest", () => {
  assert.deepEqual(parseTraceparent("00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"), {
    traceId: "4bf92f3577b34da6a3ce929d0e0e4736",
    spanId: "00f067aa0ba902b7",
    flags: "01",
  });
  for (
    const bad of [
      undefined,
      null,
      "",
      "garbage",
      "00-00000000000000000000000000000000-00f067aa0ba902b7-01",
      "00-4BF92F3577B34DA6A3CE929D0E0E4736-00f067aa0ba902b7-01",
    ]
  ) {
    assert.equal(parseTraceparent(bad), undefined);
  }
});

Deno.test("newTraceId() makes random hex ids of 32 or 16 digits", () => {
  assert.match(newTraceId(), /^[0-9a-f]{32}$/);
  assert.match(newTraceId(16), /^[0-9a-f]{16}$/);
  assert.notEqual(newTraceId(), newTraceId());
});
