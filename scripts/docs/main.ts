// deno-lint-ignore-file no-console
/**
 * `deno task docs`: writes `docs/configuration.md` from the services' config loaders (see
 * `configuration.ts`). `--check` writes nothing and exits 1 when the file is out of date.
 *
 * @module
 */
import { renderConfiguration } from "./configuration.ts";

const path = new URL("../../docs/configuration.md", import.meta.url);
const text = await renderConfiguration();
if (Deno.args.includes("--check")) {
  const current = await Deno.readTextFile(path).catch(() => "");
  if (current !== text) {
    console.error("docs/configuration.md is out of date: run deno task docs");
    Deno.exit(1);
  }
  console.log("docs/configuration.md is up to date");
} else {
  await Deno.writeTextFile(path, text);
  console.log("wrote docs/configuration.md");
}
