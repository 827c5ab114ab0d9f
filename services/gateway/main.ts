import { loadOrExit } from "@pms/config";
import { Logger } from "@pms/log";
import { createTokenVerifier } from "@pms/jwt";
import { serve, shutdownOnSignal } from "@pms/http";
import { createApp } from "./app.ts";
import { loadGatewayConfig } from "./config.ts";

const config = loadOrExit("gateway", () => loadGatewayConfig());
const logger = new Logger({ service: "gateway", level: config.logLevel });
const verify = createTokenVerifier({
  jwksUrl: config.jwksUrl,
  issuer: config.issuer,
  audience: config.audience,
});
const app = createApp({ config, logger, verify });
const server = serve({ fetch: app.fetch, port: config.port, hostname: config.host, logger });
shutdownOnSignal(logger, () => server.shutdown());
