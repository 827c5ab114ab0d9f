import type { Logger } from "@pms/log";

/** Options for {@linkcode serve}. */
export interface ServeOptions {
  /**
   * The request handler, usually `app.fetch`; its second argument is what the server knows of the
   * connection (`Deno.ServeHandlerInfo` under `Deno.serve`), Hono's `c.env`.
   */
  fetch: (request: Request, info: object) => Response | Promise<Response>;
  /** Port; 0 picks a free one. */
  port: number;
  /** Interface to bind; back services default to loopback. */
  hostname: string;
  /** Where the listening address is reported. */
  logger: Logger;
}

/** A running HTTP server. */
export interface Server {
  /** The port actually bound. */
  port: number;
  /** Stops accepting connections and waits for in-flight requests. */
  shutdown(): Promise<void>;
}

/** Starts `Deno.serve` quietly (the start is logged as a JSON line instead of printed). */
export function serve(options: ServeOptions): Server {
  const server = Deno.serve({
    port: options.port,
    hostname: options.hostname,
    onListen: ({ hostname, port }) => options.logger.info("listening", { hostname, port }),
  }, options.fetch);
  return {
    port: server.addr.port,
    async shutdown() {
      await server.shutdown();
    },
  };
}
