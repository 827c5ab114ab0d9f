import { ConfigError } from "@pms/config";
import type { Logger } from "@pms/log";
import type { UserStore } from "../store/user_store.ts";
import { hashPassword } from "./password.ts";
import { passwordProblem } from "./password_policy.ts";

/** Options for {@linkcode bootstrapAdmin}. */
export interface BootstrapAdminOptions {
  users: UserStore;
  /** `BOOTSTRAP_ADMIN_EMAIL` and `BOOTSTRAP_ADMIN_PASSWORD`, when set. */
  email?: string;
  password?: string;
  bcryptCost: number;
  logger: Logger;
}

/**
 * The first administrator of a fresh production database: with no enabled ADMIN, the one named
 * by `BOOTSTRAP_ADMIN_EMAIL` / `BOOTSTRAP_ADMIN_PASSWORD` is created (the password must pass the
 * policy, else the start fails naming the variable); without them a warning says how to create
 * one. With an ADMIN in place the variables are ignored, so they can be removed after the first
 * start.
 */
export async function bootstrapAdmin(options: BootstrapAdminOptions): Promise<void> {
  const { users, logger } = options;
  if (await users.hasEnabledAdmin()) return;
  if (!options.email || !options.password) {
    logger.warn(
      "no enabled ADMIN: start auth once with BOOTSTRAP_ADMIN_EMAIL and BOOTSTRAP_ADMIN_PASSWORD " +
        "to create the first one",
    );
    return;
  }
  const problem = passwordProblem(options.password, options.email);
  if (problem) {
    throw new ConfigError([{ variable: "BOOTSTRAP_ADMIN_PASSWORD", message: problem }]);
  }
  const existing = await users.findByEmail(options.email);
  if (existing) {
    await users.update(existing.id, { role: "ADMIN", disabled: false });
    await users.setPassword(existing.id, await hashPassword(options.password, options.bcryptCost));
  } else {
    await users.create({
      email: options.email,
      name: "Administrator",
      role: "ADMIN",
      passwordHash: await hashPassword(options.password, options.bcryptCost),
    });
  }
  logger.info("first administrator created from BOOTSTRAP_ADMIN_EMAIL");
}
