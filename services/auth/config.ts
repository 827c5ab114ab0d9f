import { z } from "zod";
import { env, loadConfig, shapes } from "@pms/config";
import { type Role, ROLES } from "@pms/jwt";
import { topology } from "../catalog.ts";
import { parseMfaKeyring } from "./domain/mfa_keyring.ts";

const keyringProblem = (text: string): string | undefined => {
  try {
    parseMfaKeyring(text);
    return undefined;
  } catch (error) {
    return (error as Error).message;
  }
};

const isRole = (name: string): name is Role => (ROLES as readonly string[]).includes(name);

/**
 * Loads the auth service's settings; each variable's meaning is its description, listed in
 * `docs/configuration.md` (`deno task docs`).
 */
export function loadAuthConfig(source: Record<string, string | undefined> = Deno.env.toObject()) {
  const config = loadConfig({
    ...shapes.server(topology("auth").port),
    ...shapes.database(),
    ...shapes.auditTrail(),
    JWT_PRIVATE_KEY: env.string("").optional().describe(
      "Ed25519 private key (PKCS8 PEM) tokens are signed with. Unset outside production: one is " +
        "generated at start, with a warning; production refuses to start without a key.",
    ),
    JWT_PRIVATE_KEY_FILE: env.string("").optional().describe(
      "A file holding the signing key, instead of `JWT_PRIVATE_KEY`.",
    ),
    JWT_KEY_ID: env.string("").optional().describe(
      "The `kid` of tokens and of the published key; unset: the key's JWK thumbprint.",
    ),
    ...shapes.tokenClaims(),
    JWT_TTL_SECONDS: env.positiveInt(900).describe(
      "Lifetime of an access token (the login's `expiresIn`).",
    ),
    BCRYPT_COST: env.positiveInt(10).refine((n) => n >= 10 && n <= 15, "must be between 10 and 15")
      .describe("bcrypt cost of stored password hashes, 10 to 15."),
    LOGIN_MAX_FAILURES: env.positiveInt(5).describe(
      "Failed logins for one email from one client address within the window; more is `429`.",
    ),
    LOGIN_MAX_FAILURES_PER_CLIENT: env.positiveInt(20).describe(
      "Failed logins from one client address, over all emails, within the window.",
    ),
    LOGIN_WINDOW_SECONDS: env.positiveInt(300).describe(
      "The window of the two limits above.",
    ),
    LOGIN_MAX_FAILURES_PER_EMAIL: env.positiveInt(100).describe(
      "Failed logins for one email from all clients together within `LOGIN_EMAIL_WINDOW_SECONDS`: " +
        "the ceiling; reaching it is logged as a security event.",
    ),
    LOGIN_EMAIL_WINDOW_SECONDS: env.positiveInt(900).describe("The ceiling's window."),
    TRUST_PROXY: env.boolean(true).describe(
      "Take the client address from `X-Forwarded-For` (set by the gateway) rather than the peer.",
    ),
    ...shapes.bodyLimit(16 * 1024),
    SEED_DEMO_DATA: env.boolean(source.APP_ENV !== "production").describe(
      "Insert the demo accounts once per database; defaults to false when `APP_ENV=production`.",
    ),
    REFRESH_IDLE_SECONDS: env.positiveInt(1800).describe(
      "A refresh token unused this long is dead.",
    ),
    ...shapes.idempotency(),
    REFRESH_ABSOLUTE_SECONDS: env.positiveInt(43_200).describe(
      "A session ends this long after its login, refreshed or not.",
    ),
    BOOTSTRAP_ADMIN_EMAIL: env.string("").optional().describe(
      "With `BOOTSTRAP_ADMIN_PASSWORD`: the first ADMIN, made at start when the database has no " +
        "enabled ADMIN; ignored otherwise.",
    ),
    BOOTSTRAP_ADMIN_PASSWORD: env.string("").optional().describe(
      "The first ADMIN's password (must pass the password policy).",
    ),
    MFA_REQUIRED_ROLES: z.string().default("").transform((text) =>
      text.split(",").map((name) => name.trim()).filter(Boolean)
    ).check((ctx) => {
      const unknown = ctx.value.filter((name) => !isRole(name));
      if (unknown.length > 0) {
        ctx.issues.push({
          code: "custom",
          input: ctx.value,
          message: `unknown role ${unknown.join(", ")}; roles are ${ROLES.join(", ")}`,
        });
      }
    }).transform((names) => names.filter(isRole)).describe(
      "Comma-separated roles whose users must use MFA: until they enrol, their tokens are " +
        "accepted only by `/auth/me`, `/auth/me/mfa/**` and `/auth/logout` (elsewhere `403`). " +
        "Empty: MFA is optional for everyone.",
    ),
    MFA_ENCRYPTION_KEY: z.string().check((ctx) => {
      const problem = keyringProblem(ctx.value);
      if (problem) ctx.issues.push({ code: "custom", input: ctx.value, message: problem });
    }).optional().describe(
      "Keyring TOTP secrets are encrypted with at rest (AES-256-GCM): `kid:key,kid:key,…`, " +
        "each key 32 bytes in base64. New secrets use the first key; each stored secret names " +
        "its kid and opens with that key, so a new key is put first and the old one dropped once " +
        "no secret uses it. Unset outside production: a published development key; production " +
        "refuses it unset or holding that key.",
    ),
  }, source);
  return config;
}

/** The auth service's validated settings. */
export type AuthConfig = ReturnType<typeof loadAuthConfig>;
