import type { Logger } from "@pms/log";
import type { UserStore } from "./store/user_store.ts";
import { hashPassword } from "./domain/password.ts";

/** The reference system's one user (`testuser@test.com` / `password123`, ADMIN), once per database. */
export async function seedDemoUser(users: UserStore, cost: number, logger: Logger): Promise<void> {
  const passwordHash = await hashPassword("password123", cost);
  const ran = await users.seedOnce("demo-user", [
    { email: "testuser@test.com", passwordHash, role: "ADMIN" },
  ]);
  if (ran) logger.info("demo user seeded");
}
