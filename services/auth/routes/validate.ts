import { OpenAPIHono, z } from "@hono/zod-openapi";
import type { TokenClaims } from "@pms/jwt";
import { type AppEnv, defineRoute, jwtAuth } from "@pms/http";

const validate = defineRoute({
  method: "get",
  path: "/validate",
  audit: false,
  unaudited: "checks the caller's own token: no data but its claims",
  summary: "Check a bearer token",
  roles: "any",
  responses: {
    200: {
      description: "The token is valid",
      content: {
        "application/json": {
          schema: z.object({
            valid: z.boolean(),
            sub: z.string(),
            role: z.string(),
            exp: z.number(),
          }),
        },
      },
    },
    401: {
      description: "Missing, malformed, expired or badly signed token",
      content: { "application/json": { schema: z.object({ message: z.string() }) } },
    },
  },
});

/** `GET /validate`: 200 for a valid token, else 401. */
export function validateRoutes(
  verify: (token: string) => Promise<TokenClaims>,
): OpenAPIHono<AppEnv> {
  const app = new OpenAPIHono<AppEnv>();
  app.use("/validate", jwtAuth({ verify }));
  return app.openapi(validate, (c) => {
    const user = c.get("user");
    return c.json({ valid: true, sub: user.sub, role: user.role, exp: user.exp }, 200);
  });
}
