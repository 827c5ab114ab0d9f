/**
 * A service's container entrypoint, written from `services/catalog.json` when its image is built:
 * a POSIX shell script that bounds V8's heaps with the catalog's `v8Flags` and the service's own
 * (unless the deployment sets `DENO_V8_FLAGS` itself) and `exec`s `deno run <the service's
 * permissions> services/<name>/main.ts`, so deno replaces the shell and receives the container's
 * signals. The Dockerfile runs it as root, into a root-owned file:
 *
 *     deno run services/entrypoint.ts <name> > /usr/local/bin/run-service
 *
 * It needs no permission (the catalog is a static import) and fails for a name the catalog does
 * not list.
 *
 * @module
 */
import catalog from "./catalog.json" with { type: "json" };

const SAFE = /^[A-Za-z0-9_@%+=:,./-]+$/;

/** `word` as one shell word: as it is when nothing in it is special to sh, else single-quoted. */
function shellWord(word: string): string {
  return SAFE.test(word) ? word : `'${word.replaceAll("'", `'\\''`)}'`;
}

/** The catalog's entry of `name`; throws for a name it does not list. */
function entryOf(name: string): { name: string; permissions: string[]; v8Flags?: string } {
  const spec = catalog.services.find((s) => s.name === name);
  if (!spec) throw new Error(`services/catalog.json lists no service named "${name}"`);
  return spec;
}

/** How the project runs a service: `deno run <its permissions> services/<name>/main.ts`. */
export function serviceCommand(name: string): string[] {
  return commandOf(entryOf(name));
}

function commandOf(spec: { name: string; permissions: string[] }): string[] {
  return ["deno", "run", ...spec.permissions, `services/${spec.name}/main.ts`];
}

/** The entrypoint script of a service's container. */
export function entrypointScript(name: string): string {
  const spec = entryOf(name);
  const command = commandOf(spec);
  // As @pms/topology's serviceV8Flags (the image writes this before it copies packages/).
  const v8Flags = spec.v8Flags ? `${catalog.v8Flags},${spec.v8Flags}` : catalog.v8Flags;
  if (!SAFE.test(v8Flags)) throw new Error(`unexpected v8Flags: ${v8Flags}`);
  return [
    "#!/bin/sh",
    `# The ${name} service, as services/catalog.json declares it (written by services/entrypoint.ts).`,
    `DENO_V8_FLAGS="\${DENO_V8_FLAGS:-${v8Flags}}"`,
    "export DENO_V8_FLAGS",
    `exec ${command.map(shellWord).join(" ")}`,
    "",
  ].join("\n");
}

if (import.meta.main) {
  const encoder = new TextEncoder();
  const [name, ...extra] = Deno.args;
  let text: string;
  try {
    if (!name || extra.length > 0) throw new Error("usage: services/entrypoint.ts <service name>");
    text = entrypointScript(name);
  } catch (error) {
    Deno.stderr.writeSync(encoder.encode(`entrypoint: ${(error as Error).message}\n`));
    Deno.exit(1);
  }
  const bytes = encoder.encode(text);
  for (let written = 0; written < bytes.length;) {
    written += await Deno.stdout.write(bytes.subarray(written));
  }
}
