import type { ConfigProblem } from "./config_error.ts";
import { DEVELOPMENT_MFA_ENCRYPTION_KEY } from "./development_mfa_key.ts";

/**
 * Where `deno task dev` keeps the signing key it made for development (relative to the
 * repository). A deployment that names this file signs with a key that left no secret store.
 */
export const DEVELOPMENT_SIGNING_KEY_FILE = ".pms/dev-signing-key.pem";

/** Signing-key variables of a service that signs tokens (auth). */
const KEY_VARIABLES = ["JWT_PRIVATE_KEY", "JWT_PRIVATE_KEY_FILE"] as const;

/**
 * What production refuses in a validated configuration: demo data seeding (`SEED_DEMO_DATA`,
 * whose users have published passwords), and for a service that signs tokens, the development
 * signing key: none configured (one would be generated at start) or the file `deno task dev`
 * made; for a service that keeps TOTP secrets (auth, `MFA_ENCRYPTION_KEY`), a missing keyring or
 * one holding the published development key; and webhooks to plain http on loopback
 * (`WEBHOOK_ALLOW_INSECURE`). Other environments get no problems.
 */
export function productionProblems(
  config: Record<string, unknown>,
  variables: readonly string[],
): ConfigProblem[] {
  if (config.APP_ENV !== "production") return [];
  const problems: ConfigProblem[] = [];
  if (config.SEED_DEMO_DATA === true) {
    problems.push({
      variable: "SEED_DEMO_DATA",
      message: "must not be true in production (the demo users' passwords are published)",
    });
  }
  if (KEY_VARIABLES.every((name) => variables.includes(name))) {
    const file = config.JWT_PRIVATE_KEY_FILE;
    if (!config.JWT_PRIVATE_KEY && !file) {
      problems.push({
        variable: "JWT_PRIVATE_KEY",
        message: "is required in production (else a development key is generated at start)",
      });
    } else if (
      !config.JWT_PRIVATE_KEY && typeof file === "string" &&
      file.replaceAll("\\", "/").endsWith(DEVELOPMENT_SIGNING_KEY_FILE)
    ) {
      problems.push({
        variable: "JWT_PRIVATE_KEY_FILE",
        message: "names the development signing key, which production must not use",
      });
    }
  }
  if (config.WEBHOOK_ALLOW_INSECURE === true) {
    problems.push({
      variable: "WEBHOOK_ALLOW_INSECURE",
      message: "must not be true in production (it lets webhooks call plain http on loopback)",
    });
  }
  if (variables.includes("MFA_ENCRYPTION_KEY")) {
    const keyring = config.MFA_ENCRYPTION_KEY;
    const devKey = DEVELOPMENT_MFA_ENCRYPTION_KEY.split(":")[1]!;
    if (typeof keyring !== "string" || keyring === "") {
      problems.push({
        variable: "MFA_ENCRYPTION_KEY",
        message: "is required in production (else TOTP secrets use the published development key)",
      });
    } else if (keyring.split(",").some((entry) => entry.trim().endsWith(`:${devKey}`))) {
      problems.push({
        variable: "MFA_ENCRYPTION_KEY",
        message: "holds the development key, which production must not use",
      });
    }
  }
  return problems;
}
