/** A path prefix the gateway sends to a service. */
export interface GatewayRoute {
  /** The public prefix, for example `/api/patients`; the gateway serves it and everything below. */
  path: string;
  /** What the gateway strips before forwarding (`/api`, `/auth`; `""` keeps the path). */
  strip: string;
  /** True when the gateway requires a valid bearer token before forwarding. */
  token: boolean;
  /**
   * Paths below `path` that need no token even so (exact, as sent: `["/metadata"]` makes
   * `/fhir/R4/metadata` public).
   */
  public?: string[];
  /**
   * Paths below `path` the gateway never forwards (`404`), for calls between services only
   * (`["/revocations"]` keeps auth's revocation list inside); each path and everything below it.
   */
  internal?: string[];
  /**
   * The body of the gateway's own errors on this route (401, 404, 413, 502/503/504, …):
   * `{"message"}` JSON by default, `fhir` for a FHIR OperationOutcome (`application/fhir+json`).
   */
  errors?: "json" | "fhir";
  /**
   * The route's own OpenAPI document, served by the gateway as `/api-docs/<docs>` from the
   * service's `/v3/api-docs/<docs>` and listed on the docs page (the service's main document is
   * the service's `docs`).
   */
  docs?: string;
}

/** A call one service makes to another. */
export interface ServiceCall {
  /** The called service's name. */
  service: string;
  /** `http` gives the caller `<NAME>_URL`; `grpc` gives it `<NAME>_GRPC_ADDRESS`. */
  protocol: "http" | "grpc";
}

/** A consumed topic and the consumer group that reads it. */
export interface ConsumedTopic {
  topic: string;
  group: string;
}

/** One service as the catalog declares it: plain data, no code. */
export interface ServiceTopology {
  /** Service name, also its folder under `services/`. */
  name: string;
  /** Default HTTP port (health, API). */
  port: number;
  /** Default gRPC port, when it serves gRPC (`GRPC_PORT`). */
  grpcPort?: number;
  /** Its own database's name, when it has one. */
  database?: string;
  /** True for the one service reachable from outside (binds all interfaces). */
  public?: boolean;
  /** True when it verifies bearer tokens against auth's JWKS (gets `AUTH_JWKS_URL`). */
  tokens: boolean;
  /** Topics it publishes to. */
  produces?: string[];
  /** Topics it consumes, with their consumer groups. */
  consumes?: ConsumedTopic[];
  /** The narrowest Deno permissions it runs with. */
  permissions: string[];
  /** What the gateway routes to it. */
  routes: GatewayRoute[];
  /** The gateway serves its OpenAPI document at `/api-docs/<docs>`. */
  docs?: string;
  /** Services it calls directly (the gateway's calls follow from `routes`). */
  calls: ServiceCall[];
  /**
   * V8 flags added after the catalog's `v8Flags` (a flag here replaces the catalog's value): a
   * smaller young generation for the services that see little traffic, a higher first
   * old-generation limit for those that promote much (fewer full collections).
   */
  v8Flags?: string;
}

/** A Kafka topic the system uses. */
export interface TopicTopology {
  name: string;
  partitions: number;
  /** Topic settings that differ from the broker's defaults (`retention.ms: "-1"` keeps forever). */
  config?: Record<string, string>;
}

/** The whole system: `services/catalog.json`, typed. */
export interface Catalog {
  /** V8 flags of every service (`DENO_V8_FLAGS`): heap limits, young-generation GC in one thread. */
  v8Flags: string;
  /** Topics, created explicitly (never auto-created). */
  topics: TopicTopology[];
  /** The services, in start order. */
  services: ServiceTopology[];
}
