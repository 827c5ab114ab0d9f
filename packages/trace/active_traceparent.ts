import { context, propagation } from "@opentelemetry/api";

/**
 * The `traceparent` of the active OpenTelemetry span, or undefined when there is none (tracing
 * off, or outside any span).
 */
export function activeTraceparent(): string | undefined {
  const carrier: Record<string, string> = {};
  propagation.inject(context.active(), carrier);
  return carrier.traceparent;
}
