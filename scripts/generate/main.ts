// deno-lint-ignore-file no-console
/**
 * `deno task generate`: writes the parts of `compose.yml`, `scripts/compose/init-databases.sh`,
 * `scripts/compose/make-env.sh` and `.env.example` that follow from `services/catalog.json` (see
 * `generated_files.ts`). `--check` writes nothing and exits 1 when a file is out of date
 * (`tests/generated_files_test.ts` fails then too).
 *
 * @module
 */
import { catalog } from "../../services/catalog.ts";
import { generatedFiles } from "./generated_files.ts";

const root = new URL("../../", import.meta.url);
const read = (path: string) => Deno.readTextFile(new URL(path, root));
const check = Deno.args.includes("--check");
let stale = 0;
for (const { path, text } of await generatedFiles(catalog, read)) {
  if (await read(path) === text) continue;
  if (check) {
    console.error(`${path} is out of date: run deno task generate`);
    stale++;
  } else {
    await Deno.writeTextFile(new URL(path, root), text);
    console.log(`wrote ${path}`);
  }
}
if (stale > 0) Deno.exit(1);
console.log(check ? "the generated files are up to date" : "done");
