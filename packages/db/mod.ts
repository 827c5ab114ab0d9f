/**
 * The database module: owns a service's connection pool and its lifecycle, runs its numbered
 * migrations under an advisory lock (as a separate owner login when one is given), and grants the
 * service's own login exactly its rights.
 *
 * @module
 */
export { Database, type DatabaseOptions, type Fragment, type Sql, type Tx } from "./database.ts";
export { migrate, type MigrateOptions } from "./migrate.ts";
export { grantLogin, type GrantLoginOptions } from "./grant_login.ts";
export { type LoginPrivileges, readLoginPrivileges } from "./login_privileges.ts";
export { withConnection, type WithConnectionOptions } from "./with_connection.ts";
export { isUniqueViolation } from "./is_unique_violation.ts";
export { isExclusionViolation } from "./is_exclusion_violation.ts";
export { isDeadlock } from "./is_deadlock.ts";
export { isDatabaseUnavailable } from "./is_database_unavailable.ts";
