/**
 * The configuration reference, `docs/configuration.md`, made from the services' own config
 * loaders: every service in `services/catalog.json` is loaded from an empty environment through
 * {@linkcode configProbe}, which records each shape its loader validates. Variable names,
 * defaults and meanings (each schema's `.describe()`) come from there, so a variable added to a
 * loader appears here without any list to update.
 *
 * @module
 */
import { ConfigError, configProbe, describeVariable } from "@pms/config";
import type { z } from "zod";
import { catalog } from "../../services/catalog.ts";

/** One variable as one service reads it. */
export interface ServiceVariable {
  /** The variable's name. */
  name: string;
  /** The service that reads it. */
  service: string;
  /** Its meaning ("" when the schema has no description). */
  description: string;
  /** True when the service does not start without it. */
  required: boolean;
  /** Its default as text ("" when none). */
  defaultText: string;
}

interface ManifestLike {
  topology: { name: string };
  config(source?: Record<string, string | undefined>): unknown;
}

function isManifest(value: unknown, name: string): value is ManifestLike {
  if (typeof value !== "object" || value === null) return false;
  const candidate = value as Partial<ManifestLike>;
  return candidate.topology?.name === name && typeof candidate.config === "function";
}

function defaultText(value: unknown): string {
  if (value === undefined || value === "") return "";
  if (Array.isArray(value)) return value.length === 0 ? "" : value.join(",");
  return String(value);
}

/**
 * Every variable every catalog service reads, in the order its loader declares them. The
 * manifest is the one `services/<name>/service.ts` exports for that name.
 */
export async function serviceVariables(): Promise<ServiceVariable[]> {
  const variables: ServiceVariable[] = [];
  for (const { name } of catalog.services) {
    const module: Record<string, unknown> = await import(
      new URL(`../../services/${name}/service.ts`, import.meta.url).href
    );
    const manifest = Object.values(module).find((value) => isManifest(value, name));
    if (!manifest) throw new Error(`services/${name}/service.ts exports no manifest for ${name}`);
    const probe = configProbe();
    try {
      manifest.config(probe.source);
    } catch (error) {
      // An empty environment lacks the required variables; the shapes are recorded already.
      if (!(error instanceof ConfigError)) throw error;
    }
    for (const shape of probe.shapes) {
      for (const [variable, schema] of Object.entries(shape)) {
        const described = describeVariable(schema as z.ZodType);
        variables.push({
          name: variable,
          service: name,
          description: described.description,
          required: described.required,
          defaultText: defaultText(described.defaultValue),
        });
      }
    }
  }
  return variables;
}

/** Wraps `text` at `width` columns, each line after the first starting with `indent`. */
function wrap(text: string, width: number, indent: string): string {
  const lines: string[] = [];
  let line = "";
  for (const word of text.split(/\s+/).filter(Boolean)) {
    const next = line === "" ? word : `${line} ${word}`;
    const prefix = lines.length === 0 ? "" : indent;
    if ((prefix + next).length > width && line !== "") {
      lines.push(line);
      line = word;
    } else {
      line = next;
    }
  }
  lines.push(line);
  return lines.map((l, i) => (i === 0 ? l : indent + l)).join("\n");
}

function code(text: string): string {
  return text.includes("`") ? `\`\` ${text} \`\`` : `\`${text}\``;
}

/** "auth, patient" or "every service". */
function servicesText(services: string[]): string {
  return services.length === catalog.services.length ? "every service" : services.join(", ");
}

function renderVariable(name: string, reads: ServiceVariable[]): string {
  const services = [...new Set(reads.map((r) => r.service))];
  const defaults = new Map<string, string[]>();
  for (const read of reads) {
    const text = read.required
      ? "required"
      : read.defaultText === ""
      ? "none"
      : code(read.defaultText);
    defaults.set(text, [...(defaults.get(text) ?? []), read.service]);
  }
  const defaultPart = defaults.size === 1
    ? [...defaults.keys()][0]!
    : [...defaults].map(([text, by]) => `${text} (${by.join(", ")})`).join("; ");
  const meanings = new Map<string, string[]>();
  for (const read of reads) {
    meanings.set(read.description, [...(meanings.get(read.description) ?? []), read.service]);
  }
  const meaningPart = meanings.size === 1
    ? wrap([...meanings.keys()][0]!, 100, "")
    : [...meanings].map(([text, by]) => wrap(`- ${by.join(", ")}: ${text}`, 100, "  "))
      .join("\n");
  return [
    `### \`${name}\``,
    "",
    wrap(`Read by: ${servicesText(services)}. Default: ${defaultPart}.`, 100, ""),
    "",
    meaningPart,
  ].join("\n");
}

/** The whole of `docs/configuration.md`, formatted as `deno fmt` leaves it. */
export async function renderConfiguration(): Promise<string> {
  const variables = await serviceVariables();
  const byName = new Map<string, ServiceVariable[]>();
  for (const variable of variables) {
    byName.set(variable.name, [...(byName.get(variable.name) ?? []), variable]);
  }
  const names = [...byName.keys()].sort();
  const shared = names.filter((n) => new Set(byName.get(n)!.map((v) => v.service)).size > 1);
  const sections = catalog.services.map(({ name }) => ({
    name,
    variables: names.filter((n) =>
      !shared.includes(n) && byName.get(n)!.every((v) => v.service === name)
    ),
  })).filter((s) => s.variables.length > 0);
  const out: string[] = [
    "# Configuration",
    "",
    "<!-- Generated by `deno task docs` from the services' config loaders; do not edit. -->",
    "",
    wrap(
      "Every setting is an environment variable, validated once when a service starts: a bad " +
        "value stops the service with one JSON log line naming the variable. An empty value " +
        "counts as unset. This page is generated from the loaders themselves " +
        "(`services/<name>/config.ts` and the shared groups in `packages/config/shapes.ts`, each " +
        "variable with its description), and a test fails when it differs from what " +
        "`deno task docs` writes.",
      100,
      "",
    ),
    "",
    wrap(
      "Defaults that name ports and addresses come from `services/catalog.json`. The variables " +
        "of the development tools (`deno task dev`, `deno task test`) are in " +
        "[operations](operations.md#development-and-test-variables).",
      100,
      "",
    ),
    "",
    "## Read by several services",
    "",
    shared.map((n) => renderVariable(n, byName.get(n)!)).join("\n\n"),
  ];
  for (const section of sections) {
    out.push(
      "",
      `## Read by ${section.name} only`,
      "",
      section.variables.map((n) => renderVariable(n, byName.get(n)!)).join("\n\n"),
    );
  }
  return await formatMarkdown(out.join("\n") + "\n");
}

/** Runs `deno fmt` on markdown text, so the file is written as the formatter keeps it. */
async function formatMarkdown(text: string): Promise<string> {
  const child = new Deno.Command(Deno.execPath(), {
    args: ["fmt", "--ext=md", "-"],
    stdin: "piped",
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  const writer = child.stdin.getWriter();
  await writer.write(new TextEncoder().encode(text));
  await writer.close();
  const { success, stdout, stderr } = await child.output();
  if (!success) throw new Error(`deno fmt failed: ${new TextDecoder().decode(stderr)}`);
  return new TextDecoder().decode(stdout);
}
