import assert from "node:assert/strict";
import { Metadata } from "@grpc/grpc-js";
import { traceIdFrom } from "./trace_context.ts";

function metadata(traceparent?: string): Metadata {
  const m = new Metadata();
  if (traceparent !== undefined) m.set("traceparent", traceparent);
  return m;
}

Deno.test("traceIdFrom() takes the trace id of a valid traceparent", () => {
  assert.equal(
    traceIdFrom(metadata("00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01")),
    "4bf92f3577b34da6a3ce929d0e0e4736",
  );
});

Deno.test("traceIdFrom() makes a new trace id for missing or invalid metadata", () => {
  for (
    const value of [
      undefined,
      "",
      "garbage",
      "00-00000000000000000000000000000000-00f067aa0ba902b7-01",
      "00-4BF92F3577B34DA6A3CE929D0E0E4736-00f067aa0ba902b7-01",
    ]
  ) {
    const traceId = traceIdFrom(metadata(value));
    assert.match(traceId, /^[0-9a-f]{32}$/);
    assert.notEqual(traceId, "4bf92f3577b34da6a3ce929d0e0e4736");
  }
});
