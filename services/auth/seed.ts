import type { Logger } from "@pms/log";
import type { UserStore } from "./store/user_store.ts";
import { hashPassword } from "./domain/password.ts";

/** The password of the demo staff accounts (never in production). */
export const DEMO_STAFF_PASSWORD = "demo-password-2026";

/**
 * The reference system's user (`testuser@test.com` / `password123`, ADMIN) and one demo account
 * per other role (`clinician@`, `frontdesk@`, `billing@`, `auditor@test.com`, password
 * `demo-password-2026`), each seed once per database. Never in production.
 */
export async function seedDemoUsers(users: UserStore, cost: number, logger: Logger): Promise<void> {
  const reference = await users.seedOnce("demo-user", async () => [{
    email: "testuser@test.com",
    name: "Test User",
    role: "ADMIN",
    passwordHash: await hashPassword("password123", cost),
  }]);
  const staff = await users.seedOnce("demo-staff", async () => {
    const passwordHash = await hashPassword(DEMO_STAFF_PASSWORD, cost);
    return [
      { email: "clinician@test.com", name: "Demo Clinician", role: "CLINICIAN", passwordHash },
      { email: "frontdesk@test.com", name: "Demo Front Desk", role: "FRONT_DESK", passwordHash },
      { email: "billing@test.com", name: "Demo Billing", role: "BILLING", passwordHash },
      { email: "auditor@test.com", name: "Demo Auditor", role: "AUDITOR", passwordHash },
    ];
  });
  if (reference || staff) logger.info("demo users seeded");
}
