/**
 * The database module: owns a service's connection pool and its lifecycle, and runs its numbered
 * migrations under an advisory lock.
 *
 * @module
 */
export { Database, type DatabaseOptions, type Sql, type Tx } from "./database.ts";
export { migrate, type MigrateOptions } from "./migrate.ts";
export { isUniqueViolation } from "./is_unique_violation.ts";
export { isDatabaseUnavailable } from "./is_database_unavailable.ts";
