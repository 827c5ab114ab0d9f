import { Hono } from "hono";
import { type AppEnv, jsonError } from "@pms/http";
import { forward } from "../proxy/forward.ts";
import type { UpstreamClient } from "../proxy/upstream_client.ts";
import { type GatewayConfig, UPSTREAMS } from "../config.ts";
import { DOCS_HTML, INIT_JS, readSwaggerAsset, SWAGGER_ASSETS } from "../docs/swagger_ui.ts";

/**
 * `/api-docs/<docs>` for each service the catalog gives a `docs` name (`patients`, `auth`, …):
 * its `/v3/api-docs`; and for each route with a `docs` name of its own (`fhir`), the service's
 * `/v3/api-docs/<docs>`; no token.
 */
export function apiDocsRoutes(config: GatewayConfig, client: UpstreamClient): Hono<AppEnv> {
  const api = new Hono<AppEnv>();
  const documents = UPSTREAMS.flatMap(({ name, docs, routes }) => [
    ...(docs ? [{ name, docs, path: "/v3/api-docs" }] : []),
    ...routes.flatMap((route) =>
      route.docs ? [{ name, docs: route.docs, path: `/v3/api-docs/${route.docs}` }] : []
    ),
  ]);
  for (const { name, docs, path } of documents) {
    api.get(`/${docs}`, (c) =>
      forward(c, {
        upstream: config.upstreams[name]!,
        name,
        prefix: "/api-docs",
        path,
        timeoutMs: config.UPSTREAM_TIMEOUT_MS,
        client,
        trustedHops: config.TRUSTED_PROXY_HOPS,
      }));
  }
  return api;
}

const assetCache = new Map<string, Uint8Array>();

/**
 * `/docs`: Swagger UI, served from the gateway itself. `init.js` is answered by the `:file` route
 * rather than a static route of its own: a static route beside a parameter at the same place makes
 * Hono's RegExpRouter give up, and the whole gateway app would then match every request with the
 * slower TrieRouter.
 */
export const docsRoutes = new Hono<AppEnv>()
  .get("/", (c) => c.html(DOCS_HTML))
  .get("/assets/:file", async (c) => {
    const file = c.req.param("file");
    if (file === "init.js") return c.body(INIT_JS, 200, { "Content-Type": "text/javascript" });
    // Own keys only: `constructor`, `__proto__` and the like are names of no asset.
    const type = Object.hasOwn(SWAGGER_ASSETS, file) ? SWAGGER_ASSETS[file] : undefined;
    if (!type) throw jsonError(404, "Not found");
    let body = assetCache.get(file);
    if (!body) {
      body = await readSwaggerAsset(file);
      assetCache.set(file, body);
    }
    return c.body(body.slice().buffer, 200, {
      "Content-Type": type,
      "Cache-Control": "public, max-age=86400",
    });
  });
