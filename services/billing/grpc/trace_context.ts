import type { Metadata } from "@grpc/grpc-js";

const TRACEPARENT = /^00-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})$/;

function randomHex(bytes: number): string {
  const buffer = crypto.getRandomValues(new Uint8Array(bytes));
  return Array.from(buffer, (b) => b.toString(16).padStart(2, "0")).join("");
}

/**
 * The W3C trace id (32 hex digits) of the call's `traceparent` metadata, so that its log lines
 * join the caller's trace; a new one when the metadata is missing, malformed or all zeros.
 */
export function traceIdFrom(metadata: Metadata): string {
  const value = metadata.get("traceparent")[0];
  const parent = TRACEPARENT.exec(typeof value === "string" ? value.trim() : "");
  const traceId = parent?.[1];
  return traceId && !/^0+$/.test(traceId) ? traceId : randomHex(16);
}
