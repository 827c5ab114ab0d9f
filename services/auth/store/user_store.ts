import type { Sql } from "@pms/db";

/** A user as the login needs it. */
export interface User {
  id: string;
  email: string;
  passwordHash: string;
  role: "ADMIN" | "USER";
}

/** Storage of the auth service. */
export interface UserStore {
  /** The user with this email (case-insensitive), if any. */
  findByEmail(email: string): Promise<User | undefined>;
  /**
   * Runs `insert` once per database for the seed `name`, in one transaction with the record of
   * it; false when it had run before.
   */
  seedOnce(name: string, users: Omit<User, "id">[]): Promise<boolean>;
}

/** The user store on the service's own database. */
export function createUserStore(sql: Sql): UserStore {
  return {
    async findByEmail(email) {
      const [row] = await sql<
        { id: string; email: string; password_hash: string; role: User["role"] }[]
      >`
        select id, email, password_hash, role from users where lower(email) = lower(${email})`;
      return row &&
        { id: row.id, email: row.email, passwordHash: row.password_hash, role: row.role };
    },
    seedOnce(name, users) {
      return sql.begin(async (tx) => {
        const ran = await tx`
          insert into seed_runs (name) values (${name}) on conflict do nothing returning name`;
        if (ran.length === 0) return false;
        for (const user of users) {
          await tx`
            insert into users (id, email, password_hash, role)
            values (${crypto.randomUUID()}, ${user.email}, ${user.passwordHash}, ${user.role})
            on conflict do nothing`;
        }
        return true;
      });
    },
  };
}
