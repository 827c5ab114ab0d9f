import { z } from "zod";

/** The staff roles, each with its own rights (the contract's role matrix). */
export const ROLES = ["ADMIN", "CLINICIAN", "FRONT_DESK", "BILLING", "AUDITOR"] as const;

/** One staff role. */
export type Role = (typeof ROLES)[number];

/** The claims every access token carries. */
export const tokenClaimsSchema = z.object({
  /** The user's email. */
  sub: z.string().min(1),
  /** The user's id. */
  uid: z.string().min(1),
  role: z.enum(ROLES),
  /** The session the token belongs to (logout and refresh-token reuse end it). */
  sid: z.string().min(1),
  iat: z.number().int(),
  exp: z.number().int(),
  iss: z.string(),
  aud: z.union([z.string(), z.array(z.string())]),
  /** How the user authenticated (RFC 8176): `["pwd"]`, or `["pwd","otp"]` after a TOTP code. */
  amr: z.array(z.string()).optional(),
  /**
   * Set on the tokens of a user whose role requires MFA but who has not enrolled: such a token is
   * accepted only where enrolment happens (see `jwtAuth`'s `allowMfaEnrollment`).
   */
  mfa_enroll: z.literal(true).optional(),
});

/** The claims every access token carries. */
export type TokenClaims = z.infer<typeof tokenClaimsSchema>;
