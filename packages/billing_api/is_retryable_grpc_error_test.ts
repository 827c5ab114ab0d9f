import assert from "node:assert/strict";
import { status } from "@grpc/grpc-js";
import { grpcStatusOf, isRetryableGrpcError } from "./mod.ts";

const failure = (code: number) => Object.assign(new Error("failed"), { code, details: "x" });

Deno.test("isRetryableGrpcError() is true for transient statuses", () => {
  for (
    const code of [
      status.CANCELLED,
      status.UNAVAILABLE,
      status.DEADLINE_EXCEEDED,
      status.RESOURCE_EXHAUSTED,
      status.ABORTED,
      status.UNKNOWN,
      status.INTERNAL,
    ]
  ) {
    assert.equal(isRetryableGrpcError(failure(code)), true, status[code]);
  }
});

Deno.test("isRetryableGrpcError() is false for the request's own faults and non-gRPC errors", () => {
  for (
    const code of [
      status.OK,
      status.INVALID_ARGUMENT,
      status.NOT_FOUND,
      status.ALREADY_EXISTS,
      status.PERMISSION_DENIED,
      status.FAILED_PRECONDITION,
      status.UNIMPLEMENTED,
      status.UNAUTHENTICATED,
    ]
  ) {
    assert.equal(isRetryableGrpcError(failure(code)), false, status[code]);
  }
  assert.equal(isRetryableGrpcError(new Error("plain")), false);
  assert.equal(
    isRetryableGrpcError(Object.assign(new Error("x"), { code: "ECONNREFUSED" })),
    false,
  );
  assert.equal(isRetryableGrpcError(null), false);
  assert.equal(isRetryableGrpcError("UNAVAILABLE"), false);
});

Deno.test("grpcStatusOf() reads the numeric code", () => {
  assert.equal(grpcStatusOf(failure(status.NOT_FOUND)), status.NOT_FOUND);
  assert.equal(grpcStatusOf({}), undefined);
});
