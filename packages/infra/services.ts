/** How one service of the system is run: by `deno task dev`, by the tests and in containers. */
export interface ServiceSpec {
  /** Service name, also its folder under `services/`. */
  name: string;
  /** Its default HTTP port. */
  port: number;
  /** Its own database, when it has one. */
  database?: string;
  /** The narrowest Deno permissions it runs with. */
  permissions: string[];
}

const NET_ENV = ["--allow-net", "--allow-env", "--allow-sys=hostname,osRelease"];

/** The services, in start order (auth first: the others fetch its keys). */
export const SERVICES: readonly ServiceSpec[] = [
  { name: "auth", port: 4005, database: "auth", permissions: [...NET_ENV, "--allow-read"] },
  { name: "patient", port: 4000, database: "patient", permissions: [...NET_ENV, "--allow-read"] },
  // The gateway reads the Swagger UI files from the swagger-ui-dist package in the Deno cache.
  { name: "gateway", port: 4004, permissions: [...NET_ENV, "--allow-read"] },
];
