/**
 * The written documentation (README.md and docs/) holds together: links and anchors resolve
 * inside the repository, every `deno task` it names exists, every variable a service reads is in
 * the configuration reference (which is what `deno task docs` writes), the README stays short,
 * and the text describes the product, not the history of its making.
 *
 * @module
 */
import assert from "node:assert/strict";
import { renderConfiguration, serviceVariables } from "../scripts/docs/configuration.ts";

const root = new URL("../", import.meta.url);
const rootPath = decodeURIComponent(root.pathname).replace(/\/$/, "");

async function* walk(dir: string, skip: Set<string>): AsyncGenerator<string> {
  for await (const entry of Deno.readDir(dir)) {
    if (skip.has(entry.name)) continue;
    const path = `${dir}/${entry.name}`;
    if (entry.isDirectory) yield* walk(path, skip);
    else if (entry.isFile) yield path;
  }
}

/** README.md and every markdown file under docs/, as paths relative to the repository. */
async function docFiles(): Promise<string[]> {
  const files = ["README.md"];
  for await (const path of walk(`${rootPath}/docs`, new Set())) {
    if (path.endsWith(".md")) files.push(path.slice(rootPath.length + 1));
  }
  return files.sort();
}

/** The text outside fenced code blocks and inline code: what a reader sees as prose. */
function prose(markdown: string): string {
  return markdown.replace(/^(```|~~~)[^\n]*\n[\s\S]*?^\1[^\n]*$/gm, "").replace(/`[^`\n]*`/g, "");
}

/** GitHub's heading anchors of a markdown text. */
function anchors(markdown: string): Set<string> {
  const seen = new Map<string, number>();
  const result = new Set<string>();
  const withoutCode = markdown.replace(/^(```|~~~)[^\n]*\n[\s\S]*?^\1[^\n]*$/gm, "");
  for (const [, heading] of withoutCode.matchAll(/^#{1,6} +(.+?) *#*$/gm)) {
    const text = heading!.replace(/\[([^\]]*)\]\([^)]*\)/g, "$1").replace(/[`*~]/g, "");
    const slug = text.toLowerCase().trim().replace(/[^\p{L}\p{N}\s_-]/gu, "").replace(/\s/g, "-");
    const count = seen.get(slug) ?? 0;
    seen.set(slug, count + 1);
    result.add(count === 0 ? slug : `${slug}-${count}`);
  }
  return result;
}

/** Every inline link target `[text](target)` outside code. */
function links(markdown: string): string[] {
  const text = prose(markdown);
  return [...text.matchAll(/\]\(([^)\s]+)(?: "[^"]*")?\)/g)].map((m) => m[1]!);
}

async function exists(path: string): Promise<boolean> {
  try {
    await Deno.stat(path);
    return true;
  } catch {
    return false;
  }
}

Deno.test("README.md and docs/ link only to files and anchors inside the repository", async () => {
  const problems: string[] = [];
  for (const file of await docFiles()) {
    const text = await Deno.readTextFile(`${rootPath}/${file}`);
    for (const target of links(text)) {
      if (/^(https?:|mailto:)/.test(target)) continue;
      const [pathPart, anchor] = target.split("#", 2) as [string, string | undefined];
      const dir = file.includes("/") ? file.slice(0, file.lastIndexOf("/")) : "";
      const resolved = pathPart === ""
        ? file
        : new URL(pathPart, `file:///repo/${dir}${dir ? "/" : ""}`).pathname.slice("/repo/".length);
      if (
        pathPart !== "" && !new URL(pathPart, `file:///repo/${dir}/`).pathname.startsWith("/repo/")
      ) {
        problems.push(`${file}: ${target} leaves the repository`);
        continue;
      }
      const full = `${rootPath}/${decodeURIComponent(resolved)}`;
      if (!(await exists(full))) {
        problems.push(`${file}: ${target} names no file`);
        continue;
      }
      if (anchor !== undefined && full.endsWith(".md")) {
        if (!anchors(await Deno.readTextFile(full)).has(anchor)) {
          problems.push(`${file}: ${target} names no heading`);
        }
      }
    }
  }
  assert.deepEqual(problems, []);
});

Deno.test("no file in the repository links to ../shared", async () => {
  const found: string[] = [];
  const skip = new Set([".git", ".results", "node_modules", "vendor", ".terraform"]);
  const self = decodeURIComponent(new URL(import.meta.url).pathname);
  for await (const path of walk(rootPath, skip)) {
    if (path === self || !/\.(md|ts|js|json|yml|yaml|sh|tf|http|py|lua|sql|proto)$/.test(path)) {
      continue;
    }
    if ((await Deno.readTextFile(path)).includes("../shared")) found.push(path);
  }
  assert.deepEqual(found, []);
});

Deno.test("every deno task the docs name exists in deno.json", async () => {
  const { tasks } = JSON.parse(await Deno.readTextFile(`${rootPath}/deno.json`)) as {
    tasks: Record<string, string>;
  };
  const missing: string[] = [];
  for (const file of await docFiles()) {
    const text = await Deno.readTextFile(`${rootPath}/${file}`);
    for (const [, task] of text.matchAll(/deno task ([\w:-]+)/g)) {
      if (!(task! in tasks)) missing.push(`${file}: deno task ${task}`);
    }
  }
  assert.deepEqual(missing, []);
});

Deno.test("docs/configuration.md is what deno task docs writes", async () => {
  const checkedIn = await Deno.readTextFile(`${rootPath}/docs/configuration.md`);
  assert.equal(checkedIn, await renderConfiguration(), "run deno task docs");
});

Deno.test("every variable a service reads is described in docs/configuration.md", async () => {
  const reference = await Deno.readTextFile(`${rootPath}/docs/configuration.md`);
  const variables = await serviceVariables();
  const undescribed = variables.filter((v) => v.description.trim() === "")
    .map((v) => `${v.service}: ${v.name} has no .describe() in its config loader`);
  assert.deepEqual(undescribed, []);
  const names = new Set(variables.map((v) => v.name));
  // Variables read directly rather than through a config loader count too.
  for await (const path of walk(`${rootPath}/services`, new Set(["migrations"]))) {
    if (!path.endsWith(".ts") || path.endsWith("_test.ts")) continue;
    if (!path.slice(`${rootPath}/services/`.length).includes("/")) continue;
    const text = await Deno.readTextFile(path);
    for (const [, name] of text.matchAll(/Deno\.env\.get\(\s*["']([A-Z0-9_]+)["']/g)) {
      names.add(name!);
    }
  }
  const missing = [...names].filter((name) => !reference.includes(`### \`${name}\``));
  assert.deepEqual(missing, []);
});

Deno.test("README.md stays within 250 lines", async () => {
  const lines = (await Deno.readTextFile(`${rootPath}/README.md`)).split("\n");
  if (lines.at(-1) === "") lines.pop();
  assert.ok(lines.length <= 250, `README.md has ${lines.length} lines`);
});

/** Patterns of a project diary: commit hashes, issue numbers, numbered work periods, dates. */
const NARRATION: [string, RegExp][] = [
  ["a commit hash", /(?<![\w-])(?=[0-9a-f]*\d)(?=[0-9a-f]*[a-f])[0-9a-f]{7,40}(?![\w-])/],
  ["an issue number", /(?:\bissues? #?\d+|(?<![\w&])#\d+\b|\bPR #?\d+)/i],
  [
    "a numbered session or round",
    /\b(?:first|second|third|fourth|fifth|sixth|seventh|eighth|ninth|tenth|\d+(?:st|nd|rd|th)) (?:work )?(?:sessions?|rounds?|work periods?)\b/i,
  ],
  [
    "a session or round of work",
    /\b(?:this|earlier|previous|later) (?:work )?(?:sessions?|rounds?)\b/i,
  ],
  ["a work period", /\bwork periods?\b/i],
  [
    "a numbered day of work",
    /\b(?:first|second|third|fourth|fifth|sixth|seventh|eighth|ninth|tenth|next|\d+(?:st|nd|rd|th)) (?:days?|mornings?|evenings?|nights?)\b/i,
  ],
  ["the project's issues", /\bperformance (?:issue|round)s?\b/i],
  ["a dated measurement", /\b20\d\d-\d\d-\d\d\b/],
];

Deno.test("README.md and docs/ describe the product, not the history of its making", async () => {
  const found: string[] = [];
  for (const file of await docFiles()) {
    const text = prose(await Deno.readTextFile(`${rootPath}/${file}`))
      .replace(/\b[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\b/gi, "<uuid>");
    for (const [what, pattern] of NARRATION) {
      const match = text.match(pattern);
      if (match) found.push(`${file}: ${what}: "${match[0]}"`);
    }
  }
  assert.deepEqual(found, []);
});
