import { propagation, ROOT_CONTEXT, SpanKind, SpanStatusCode, trace } from "@opentelemetry/api";

/** The kinds of span this project makes. */
export type SpanKindName = "producer" | "consumer" | "client" | "server" | "internal";

const KINDS: Record<SpanKindName, SpanKind> = {
  producer: SpanKind.PRODUCER,
  consumer: SpanKind.CONSUMER,
  client: SpanKind.CLIENT,
  server: SpanKind.SERVER,
  internal: SpanKind.INTERNAL,
};

const tracer = trace.getTracer("patient-management");

/**
 * Runs `work` in a new span named `name` whose parent is `traceparent` (taken from a Kafka
 * header or gRPC metadata), so the hop joins the caller's trace. The span records a failure
 * and ends when `work` settles. With tracing off it only runs `work`.
 */
export function inSpan<T>(
  name: string,
  kind: SpanKindName,
  traceparent: string | null | undefined,
  work: () => Promise<T>,
): Promise<T> {
  const parent = traceparent ? propagation.extract(ROOT_CONTEXT, { traceparent }) : ROOT_CONTEXT;
  return tracer.startActiveSpan(name, { kind: KINDS[kind] }, parent, async (span) => {
    try {
      return await work();
    } catch (error) {
      span.recordException(error instanceof Error ? error : String(error));
      span.setStatus({ code: SpanStatusCode.ERROR });
      throw error;
    } finally {
      span.end();
    }
  });
}
