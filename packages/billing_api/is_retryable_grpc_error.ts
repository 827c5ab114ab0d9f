import { status } from "@grpc/grpc-js";

// Worth another try: the server was unreachable, slow, overloaded, or failed for a reason that
// is not the request's fault. INVALID_ARGUMENT, NOT_FOUND, PERMISSION_DENIED and the like would
// fail the same way again. CANCELLED too is worth another try: the project's callers never
// cancel a call, so it is the transport's (grpc-js reports a stream the peer reset, or a
// connection that dropped before it noticed, as CANCELLED), not an answer to the request.
const RETRYABLE = new Set<number>([
  status.CANCELLED,
  status.UNAVAILABLE,
  status.DEADLINE_EXCEEDED,
  status.RESOURCE_EXHAUSTED,
  status.ABORTED,
  status.UNKNOWN,
  status.INTERNAL,
]);

/** The numeric gRPC status of `error` (a `@grpc/grpc-js` `ServiceError`), if it has one. */
export function grpcStatusOf(error: unknown): number | undefined {
  if (typeof error !== "object" || error === null) return undefined;
  const code = (error as { code?: unknown }).code;
  return typeof code === "number" ? code : undefined;
}

/**
 * True when a failed call may succeed if repeated: `CANCELLED` (a reset stream: callers here
 * never cancel), `UNAVAILABLE`, `DEADLINE_EXCEEDED`, `RESOURCE_EXHAUSTED`, `ABORTED`, `UNKNOWN`,
 * `INTERNAL`. False for every other status (`INVALID_ARGUMENT`, …) and for errors that carry no
 * gRPC status.
 */
export function isRetryableGrpcError(error: unknown): boolean {
  const code = grpcStatusOf(error);
  return code !== undefined && RETRYABLE.has(code);
}
