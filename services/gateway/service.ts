import { defineService } from "@pms/service";
import { topology } from "../catalog.ts";
import { FHIR_PATHS, gatewayMiddleware, mountGatewayRoutes } from "./app.ts";
import { loadGatewayConfig } from "./config.ts";
import { UpstreamClient } from "./proxy/upstream_client.ts";
import { proxyFastPath } from "./proxy/fast_path.ts";
import { serveBounded } from "./serve_bounded.ts";

/**
 * The public gateway: routes from the catalog, token check where it says, limits, request ids.
 * Its `/health` is its own liveness; upstreams are not consulted. It is served with bounded
 * connections (`HEAD_TIMEOUT_MS`, `IDLE_TIMEOUT_MS`; see `serveBounded`); proxied requests without
 * a body or with a `Content-Length` one within `MAX_BODY_BYTES` take `proxyFastPath`, every other
 * request the Hono app.
 */
export const gateway = defineService({
  topology: topology("gateway"),
  config: loadGatewayConfig,
  setup: () => ({ client: new UpstreamClient() }),
  middleware: ({ config }) => gatewayMiddleware(config),
  routes: mountGatewayRoutes,
  serve: (options, { config, verify, client, logger }) =>
    serveBounded({
      ...options,
      headersTimeoutMs: config.HEAD_TIMEOUT_MS,
      idleTimeoutMs: config.IDLE_TIMEOUT_MS,
      fhirPaths: FHIR_PATHS,
      // Proxied requests without a body are answered on node:http's own objects.
      direct: proxyFastPath({ config, verify, client, logger }),
    }),
  health: () => Promise.resolve(true),
  close: ({ client }) => client.close(),
});
