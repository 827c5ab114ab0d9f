/**
 * The generated regions of a hand-written file: each starts with a comment line
 * `# >>> <region>: written by `deno task generate` from services/catalog.json` and ends with
 * `# <<< <region>`, at the indentation the region's lines have. Everything outside them is left as
 * it is.
 *
 * @module
 */

/** The first line of a region (its indentation is the region's). */
export function beginMarker(region: string): string {
  return `# >>> ${region}: written by \`deno task generate\` from services/catalog.json`;
}

/** The last line of a region. */
export function endMarker(region: string): string {
  return `# <<< ${region}`;
}

/**
 * `text` with the lines of each region replaced by `regions[region]` (indented as its markers);
 * throws naming `path` and the region when a marker is missing, or a region in the file is not
 * given (a misspelt marker is not passed over).
 */
export function fillRegions(path: string, text: string, regions: Record<string, string[]>): string {
  const lines = text.split("\n");
  const output: string[] = [];
  const filled = new Set<string>();
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    const begin = line.match(/^(\s*)# >>> ([^:]+):/);
    if (!begin) {
      if (/^\s*# <<< /.test(line)) throw new Error(`${path}:${i + 1}: an end without a begin`);
      output.push(line);
      continue;
    }
    const indent = begin[1] ?? "";
    const region = begin[2] ?? "";
    const body = regions[region];
    if (!body) throw new Error(`${path}:${i + 1}: no generator writes region "${region}"`);
    const end = lines.findIndex((l, j) => j > i && l.trim() === endMarker(region));
    if (end < 0) {
      throw new Error(`${path}:${i + 1}: region "${region}" has no "${endMarker(region)}"`);
    }
    output.push(`${indent}${beginMarker(region)}`);
    for (const bodyLine of body) output.push(bodyLine === "" ? "" : `${indent}${bodyLine}`);
    output.push(`${indent}${endMarker(region)}`);
    filled.add(region);
    i = end;
  }
  const missing = Object.keys(regions).filter((region) => !filled.has(region));
  if (missing.length > 0) {
    throw new Error(
      `${path} has no region ${missing.map((r) => `"${r}"`).join(", ")}: add the lines ` +
        `"${beginMarker(missing[0]!)}" and "${endMarker(missing[0]!)}" where it belongs`,
    );
  }
  return output.join("\n");
}
