/** How one service of the system is run: by `deno task dev`, by the tests and in containers. */
export interface ServiceSpec {
  /** Service name, also its folder under `services/`. */
  name: string;
  /** Its default HTTP port (health, read API). */
  port: number;
  /** Its default gRPC port, when it serves gRPC (`GRPC_PORT`). */
  grpcPort?: number;
  /** Its own database, when it has one. */
  database?: string;
  /** True when it produces or consumes patient events (it gets `KAFKA_BROKERS`). */
  kafka?: boolean;
  /** The narrowest Deno permissions it runs with. */
  permissions: string[];
}

// --allow-read: the .proto files, migrations and (gateway) the Swagger UI files in the Deno cache.
const NET_ENV_READ = [
  "--allow-net",
  "--allow-env",
  "--allow-sys=hostname,osRelease",
  "--allow-read",
];

/**
 * The services, in start order: auth first (the others fetch its keys), billing before patient
 * (patient opens billing accounts), the gateway last.
 */
export const SERVICES: readonly ServiceSpec[] = [
  { name: "auth", port: 4005, database: "auth", permissions: NET_ENV_READ },
  { name: "billing", port: 4001, grpcPort: 9001, database: "billing", permissions: NET_ENV_READ },
  { name: "patient", port: 4000, database: "patient", kafka: true, permissions: NET_ENV_READ },
  {
    name: "analytics",
    port: 4002,
    database: "analytics",
    kafka: true,
    permissions: NET_ENV_READ,
  },
  {
    name: "notification",
    port: 4003,
    database: "notification",
    kafka: true,
    permissions: NET_ENV_READ,
  },
  { name: "gateway", port: 4004, permissions: NET_ENV_READ },
];
