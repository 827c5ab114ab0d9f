import { OpenAPIHono, z } from "@hono/zod-openapi";
import type { JWK } from "jose";
import { type AppEnv, defineRoute } from "@pms/http";

const jwks = defineRoute({
  method: "get",
  path: "/.well-known/jwks.json",
  audit: false,
  unaudited: "public keys: no caller, no data",
  summary: "The public keys tokens are signed with",
  responses: {
    200: {
      description: "JSON Web Key Set",
      content: {
        "application/json": {
          schema: z.object({ keys: z.array(z.record(z.string(), z.string())) }),
        },
      },
    },
  },
});

/** `GET /.well-known/jwks.json`, cacheable for five minutes. */
export function jwksRoutes(keys: JWK[]): OpenAPIHono<AppEnv> {
  const body = { keys: keys.map((k) => ({ ...k })) as Record<string, string>[] };
  return new OpenAPIHono<AppEnv>().openapi(jwks, (c) => {
    c.header("Cache-Control", "public, max-age=300");
    return c.json(body, 200);
  });
}
