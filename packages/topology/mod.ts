/**
 * The runtime facts of the system's topology: the types of `services/catalog.json` and the
 * wiring that follows from it (which variables tell each service where the others are). Packages
 * never import the catalog itself; it is passed in.
 *
 * @module
 */
export type {
  Catalog,
  ConsumedTopic,
  GatewayRoute,
  ServiceCall,
  ServiceTopology,
  TopicTopology,
} from "./service_topology.ts";
export { type HeapLimits, heapLimits } from "./heap_limits.ts";
export { type OneProcessLaunch, oneProcessLaunch } from "./one_process_launch.ts";
export { parseCatalog } from "./parse_catalog.ts";
export { serviceV8Flags } from "./service_v8_flags.ts";
export { systemEnv, type SystemEnvOptions } from "./system_env.ts";
export { type TopicVariables, topicVariables } from "./topic_variables.ts";
export { usesKafka } from "./uses_kafka.ts";
