// deno-lint-ignore-file no-console
/**
 * Terraform for the deploy tests: the binary (or why the tests are ignored), the offline provider
 * mirror, and a working copy of terraform/ with the catalog it reads (`../services/catalog.json`),
 * so that Terraform's state, lock file and tflocal's override never land in the repository.
 *
 * @module
 */
import { ROOT, run } from "./run.ts";

/** The offline provider mirror (filesystem_mirror layout). */
export const MIRROR = "/opt/tf-plugins";

function existsSync(path: string): boolean {
  try {
    Deno.statSync(path);
    return true;
  } catch {
    return false;
  }
}

function findTerraform(): string | undefined {
  const candidates = ["/usr/local/bin/terraform"];
  for (const dir of (Deno.env.get("PATH") ?? "").split(":")) {
    if (dir) candidates.push(`${dir}/terraform`);
  }
  for (const path of candidates) {
    try {
      if (Deno.statSync(path).isFile) return path;
    } catch {
      // not there
    }
  }
  return undefined;
}

/** The terraform binary, or undefined (the deploy tests are then ignored, saying so). */
export const TERRAFORM: string | undefined = findTerraform();
if (TERRAFORM && !existsSync(`${MIRROR}/registry.terraform.io/hashicorp/aws`)) {
  console.log(
    `deploy tests: no provider mirror in ${MIRROR}; terraform init will ask the registry for ` +
      "hashicorp/aws ~> 5.100 (it fails where the registry cannot be reached)",
  );
}
if (!TERRAFORM) {
  console.log(
    "deploy tests ignored: terraform is not installed (neither /usr/local/bin/terraform nor on " +
      "PATH); install Terraform >= 1.11 and the hashicorp/aws 5.100 provider mirror to run them",
  );
}

/** A Terraform CLI configuration that installs the hashicorp providers from the mirror only. */
export function tfCliConfig(): string {
  return `provider_installation {
  filesystem_mirror {
    path    = "${MIRROR}"
    include = ["registry.terraform.io/hashicorp/*"]
  }
  direct {
    exclude = ["registry.terraform.io/hashicorp/*"]
  }
}
`;
}

/**
 * A copy of terraform/ (the .tf files only) in `dir`, and of the catalog it reads next to it, in
 * `dir/../services/catalog.json` (terraform/locals.tf: `${path.module}/../services/catalog.json`).
 */
export async function copyTerraform(dir: string): Promise<void> {
  await Deno.mkdir(dir, { recursive: true });
  for await (const entry of Deno.readDir(`${ROOT}terraform`)) {
    if (entry.isFile && entry.name.endsWith(".tf")) {
      await Deno.copyFile(`${ROOT}terraform/${entry.name}`, `${dir}/${entry.name}`);
    }
  }
  const services = `${dir}/../services`;
  await Deno.mkdir(services, { recursive: true });
  await Deno.copyFile(`${ROOT}services/catalog.json`, `${services}/catalog.json`);
}

/** What git sees under terraform/ and scripts/, ignored files included (must not change). */
export async function treeState(): Promise<string> {
  const result = await run("git", [
    "status",
    "--porcelain",
    "--ignored",
    "--untracked-files=all",
    "terraform",
    "scripts/localstack",
  ], { timeoutMs: 30_000 });
  return result.stdout;
}
