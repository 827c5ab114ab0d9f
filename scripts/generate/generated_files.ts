/**
 * What `deno task generate` writes from `services/catalog.json` (as `services/entrypoint.ts`
 * writes each image's entrypoint): the generated regions of `compose.yml` (the service blocks,
 * the postgres container's database logins, kafka-init's topics), the database list of
 * `scripts/compose/init-databases.sh` and the database logins of `scripts/compose/make-env.sh`
 * and `.env.example`. Each file is hand-written outside its regions (see `_regions.ts`).
 *
 * @module
 */
import type { Catalog } from "@pms/topology";
import { composeRegions, databasesOf, passwordVariables } from "./_compose.ts";
import { fillRegions } from "./_regions.ts";

/** One generated file: its path in the repository and the text it must have. */
export interface GeneratedFile {
  path: string;
  text: string;
}

type Regions = (catalog: Catalog, text: string) => Record<string, string[]>;

const FILES: Record<string, Regions> = {
  "compose.yml": composeRegions,
  "scripts/compose/init-databases.sh": (catalog) => ({
    databases: [`databases="${databasesOf(catalog).join(" ")}"`],
  }),
  "scripts/compose/make-env.sh": (catalog) => ({
    "database logins": databasesOf(catalog).flatMap((db) =>
      Object.values(passwordVariables(db)).map((name) => `echo "${name}=$(secret)"`)
    ),
  }),
  ".env.example": (catalog) => ({
    "database logins": databasesOf(catalog).flatMap((db) => {
      const { login, owner } = passwordVariables(db);
      return [`${login}=change-me-${db}`, `${owner}=change-me-${db}-owner`];
    }),
  }),
};

/** The paths `deno task generate` writes, relative to the repository. */
export const GENERATED_PATHS: readonly string[] = Object.keys(FILES);

/**
 * Each generated file as the catalog makes it, from its current text (`read(path)`, the
 * hand-written part); throws when a file lacks one of its regions.
 */
export async function generatedFiles(
  catalog: Catalog,
  read: (path: string) => Promise<string>,
): Promise<GeneratedFile[]> {
  const files: GeneratedFile[] = [];
  for (const [path, regions] of Object.entries(FILES)) {
    const current = await read(path);
    files.push({ path, text: fillRegions(path, current, regions(catalog, current)) });
  }
  return files;
}
