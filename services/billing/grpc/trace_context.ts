import type { Metadata } from "@grpc/grpc-js";
import { newTraceId, parseTraceparent } from "@pms/trace";

/**
 * The W3C trace id (32 hex digits) of the call's `traceparent` metadata, so that its log lines
 * join the caller's trace; a new one when the metadata is missing, malformed or all zeros.
 */
export function traceIdFrom(metadata: Metadata): string {
  const value = metadata.get("traceparent")[0];
  return parseTraceparent(typeof value === "string" ? value : undefined)?.traceId ?? newTraceId();
}
