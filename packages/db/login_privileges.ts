import { z } from "zod";

const TABLE_PRIVILEGES = ["SELECT", "INSERT", "UPDATE", "DELETE"] as const;
const SEQUENCE_PRIVILEGES = ["USAGE", "SELECT"] as const;

// Validated with zod (already the config schema library) so a misspelt privilege or key in a
// service's `privileges.json` stops the migration with its path instead of granting too much.
const schema = z.strictObject({
  $comment: z.string().optional(),
  /** Privileges on every table and view of schema `public` not named in `byTable`. */
  tables: z.array(z.enum(TABLE_PRIVILEGES)).default([...TABLE_PRIVILEGES]),
  /** Privileges of named tables, instead of `tables`. */
  byTable: z.record(z.string().min(1), z.array(z.enum(TABLE_PRIVILEGES))).default({}),
  /** Privileges on every sequence of schema `public`. */
  sequences: z.array(z.enum(SEQUENCE_PRIVILEGES)).default([...SEQUENCE_PRIVILEGES]),
});

/**
 * What a service's own database login (`DATABASE_URL`) may do when migrations run as a separate
 * owner (`DATABASE_OWNER_URL`): rows of its tables and its sequences, never DDL or ownership.
 * Written as `privileges.json` beside the numbered migrations; without that file, every table
 * gets SELECT, INSERT, UPDATE and DELETE and every sequence USAGE and SELECT. Functions keep
 * PostgreSQL's default (PUBLIC may execute); a migration revokes EXECUTE from the ones only the
 * owner may call.
 */
export type LoginPrivileges = z.output<typeof schema>;

/**
 * Reads `<dir>/privileges.json` (the defaults when there is none, or no `dir`); throws naming the
 * file when it is not valid.
 */
export async function readLoginPrivileges(dir?: string): Promise<LoginPrivileges> {
  if (dir === undefined) return schema.parse({});
  const path = `${dir.replace(/\/$/, "")}/privileges.json`;
  let text: string;
  try {
    text = await Deno.readTextFile(path);
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return schema.parse({});
    throw error;
  }
  const parsed = schema.safeParse(JSON.parse(text));
  if (!parsed.success) throw new Error(`${path}: ${z.prettifyError(parsed.error)}`);
  return parsed.data;
}
