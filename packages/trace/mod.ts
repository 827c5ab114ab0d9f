/**
 * W3C trace context across the hops that Deno does not instrument by itself (Kafka, gRPC).
 * With `OTEL_DENO=true` Deno's built-in OpenTelemetry records the spans, and HTTP requests and
 * `fetch` calls join them on their own; without it these helpers only pass `traceparent` on.
 *
 * @module
 */
export { activeTraceparent } from "./active_traceparent.ts";
export { inSpan, type SpanKindName } from "./in_span.ts";
export { newTraceId, parseTraceparent, type TraceParent } from "./parse_traceparent.ts";
