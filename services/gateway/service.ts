import { defineService } from "@pms/service";
import { topology } from "../catalog.ts";
import { gatewayMiddleware, mountGatewayRoutes } from "./app.ts";
import { loadGatewayConfig } from "./config.ts";
import { UpstreamClient } from "./proxy/upstream_client.ts";

/**
 * The public gateway: routes from the catalog, token check where it says, limits, request ids.
 * Its `/health` is its own liveness; upstreams are not consulted.
 */
export const gateway = defineService({
  topology: topology("gateway"),
  config: loadGatewayConfig,
  setup: () => ({ client: new UpstreamClient() }),
  middleware: ({ config }) => gatewayMiddleware(config),
  routes: mountGatewayRoutes,
  health: () => Promise.resolve(true),
  close: ({ client }) => client.close(),
});
