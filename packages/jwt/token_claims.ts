import { z } from "zod";

/** The claims every access token carries. */
export const tokenClaimsSchema = z.object({
  sub: z.string().min(1),
  role: z.enum(["ADMIN", "USER"]),
  iat: z.number().int(),
  exp: z.number().int(),
  iss: z.string(),
  aud: z.union([z.string(), z.array(z.string())]),
});

/** The claims every access token carries. */
export type TokenClaims = z.infer<typeof tokenClaimsSchema>;
