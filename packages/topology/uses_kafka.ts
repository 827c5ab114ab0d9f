import type { ServiceTopology } from "./service_topology.ts";

/** True when the service produces or consumes a topic (it gets `KAFKA_BROKERS`). */
export function usesKafka(spec: ServiceTopology): boolean {
  return (spec.produces?.length ?? 0) > 0 || (spec.consumes?.length ?? 0) > 0;
}
