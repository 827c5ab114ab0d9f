/**
 * The generated parts of `compose.yml`: the postgres container's database logins, kafka-init's
 * topic list and one block per catalog service. A service's own settings, which the catalog does
 * not hold (auth's signing key, notification's SMTP server, …), are a hand-written
 * `x-<name>-settings: &<name>-settings` mapping in the same file that its block merges.
 *
 * @module
 */
import { type Catalog, type ServiceTopology, usesKafka } from "@pms/topology";

/** A value safe as one word of kafka-init's `sh -c` script. */
const SHELL_SAFE = /^[A-Za-z0-9_.=:,+-]+$/;

/** `<DATABASE>_DB_PASSWORD` and `<DATABASE>_DB_OWNER_PASSWORD`: a database's two logins. */
export function passwordVariables(database: string): { login: string; owner: string } {
  const stem = database.toUpperCase();
  return { login: `${stem}_DB_PASSWORD`, owner: `${stem}_DB_OWNER_PASSWORD` };
}

/** The databases of the catalog, in start order. */
export function databasesOf(catalog: Catalog): string[] {
  return catalog.services.flatMap((s) => (s.database ? [s.database] : []));
}

/** The names of the `x-<name>-settings` mappings in the compose file. */
function settingsAnchors(text: string): Set<string> {
  return new Set(
    [...text.matchAll(/^x-([a-z][a-z0-9]*)-settings: &([a-z0-9-]+)[ \t]*(#.*)?$/gm)].map((m) => {
      if (m[2] !== `${m[1]}-settings`) {
        throw new Error(`compose.yml: x-${m[1]}-settings must be anchored &${m[1]}-settings`);
      }
      return m[1]!;
    }),
  );
}

function topicLines(catalog: Catalog): string[] {
  const lines = ["command:", "  - >-", "      set -e;"];
  catalog.topics.forEach((topic, i) => {
    const config = Object.entries(topic.config ?? {}).map(([name, value]) => {
      if (!SHELL_SAFE.test(name) || !SHELL_SAFE.test(value)) {
        throw new Error(`topic ${topic.name}: config ${name}=${value} is not a plain word`);
      }
      return ` --config ${name}=${value}`;
    }).join("");
    const last = i === catalog.topics.length - 1;
    lines.push(
      "      /opt/kafka/bin/kafka-topics.sh --bootstrap-server kafka:9092 --create --if-not-exists",
      `      --topic ${topic.name} --partitions ${topic.partitions} --replication-factor 1` +
        `${config}${last ? "" : ";"}`,
    );
  });
  return lines;
}

/** True when service `from` reaches service `to` through the catalog's calls. */
function reaches(catalog: Catalog, from: string, to: string): boolean {
  const seen = new Set<string>();
  const next = [from];
  for (let name = next.pop(); name !== undefined; name = next.pop()) {
    if (name === to) return true;
    if (seen.has(name)) continue;
    seen.add(name);
    const spec = catalog.services.find((s) => s.name === name);
    for (const call of spec?.calls ?? []) next.push(call.service);
  }
  return false;
}

/**
 * What a service waits for: its database, auth's keys, its topics, and whom it calls, unless the
 * callee calls it back (directly or through others): Compose refuses a cycle of `depends_on`, and
 * no service needs another to start (every call between services is made per request, and
 * retried), so a call on a cycle is left to its retries.
 */
function dependencies(catalog: Catalog, spec: ServiceTopology): [string, string][] {
  const healthy = new Set<string>();
  if (spec.database) healthy.add("postgres");
  if (spec.tokens && spec.name !== "auth") healthy.add("auth");
  for (const call of spec.calls) {
    if (!reaches(catalog, call.service, spec.name)) healthy.add(call.service);
  }
  if (spec.public) {
    for (const upstream of catalog.services) {
      if (upstream.routes.length > 0 && upstream !== spec) healthy.add(upstream.name);
    }
  }
  const result: [string, string][] = [...healthy].map((name) => [name, "service_healthy"]);
  if (usesKafka(spec)) result.push(["kafka-init", "service_completed_successfully"]);
  return result;
}

/** The environment a service gets from the catalog: where it listens and what it reaches. */
function environment(catalog: Catalog, spec: ServiceTopology): [string, string | number][] {
  const env: [string, string | number][] = [["PORT", spec.port]];
  if (spec.grpcPort) env.push(["GRPC_HOST", "0.0.0.0"], ["GRPC_PORT", spec.grpcPort]);
  if (spec.database) {
    const db = spec.database;
    const { login, owner } = passwordVariables(db);
    env.push(
      ["DATABASE_URL", `postgres://${db}:\${${login}:-}@postgres:5432/${db}`],
      ["DATABASE_OWNER_URL", `postgres://${db}_owner:\${${owner}:-}@postgres:5432/${db}`],
    );
  }
  const find = (name: string) => catalog.services.find((s) => s.name === name)!;
  for (const call of spec.calls) {
    const callee = find(call.service);
    env.push(
      call.protocol === "grpc"
        ? [`${callee.name.toUpperCase()}_GRPC_ADDRESS`, `${callee.name}:${callee.grpcPort}`]
        : [`${callee.name.toUpperCase()}_URL`, `http://${callee.name}:${callee.port}`],
    );
  }
  if (spec.public) {
    for (const upstream of catalog.services) {
      if (upstream.routes.length === 0 || upstream === spec) continue;
      env.push([`${upstream.name.toUpperCase()}_URL`, `http://${upstream.name}:${upstream.port}`]);
    }
  }
  if (usesKafka(spec)) env.push(["KAFKA_BROKERS", "kafka:9092"]);
  return env;
}

function serviceLines(catalog: Catalog, spec: ServiceTopology, settings: Set<string>): string[] {
  const name = spec.name;
  const merged = [
    "*common-env",
    ...(spec.tokens ? ["*token-env"] : []),
    ...(settings.has(name) ? [`*${name}-settings`] : []),
  ];
  const lines = [
    `${name}:`,
    "  <<: *deno-service",
    "  build:",
    "    context: .",
    "    dockerfile: Dockerfile",
    `    args: { SERVICE: ${name} }`,
    `  image: patient-management/${name}:\${IMAGE_TAG:-latest}`,
  ];
  const waits = dependencies(catalog, spec);
  if (waits.length > 0) {
    lines.push("  depends_on:");
    for (const [other, condition] of waits) {
      lines.push(`    ${other}:`, `      condition: ${condition}`);
    }
  }
  lines.push(
    "  environment:",
    `    <<: ${merged.length === 1 ? merged[0] : `[${merged.join(", ")}]`}`,
    ...environment(catalog, spec).map(([key, value]) => `    ${key}: ${value}`),
  );
  if (spec.public) {
    lines.push("  # The only published port.", "  ports:", `    - "${spec.port}:${spec.port}"`);
  }
  return lines;
}

/**
 * The generated regions of `compose.yml` (see `_regions.ts`), from the catalog and the file's
 * current `text` (for its `x-<name>-settings` mappings); throws for a settings mapping of a
 * service the catalog does not list.
 */
export function composeRegions(catalog: Catalog, text: string): Record<string, string[]> {
  const settings = settingsAnchors(text);
  for (const name of settings) {
    if (!catalog.services.some((s) => s.name === name)) {
      throw new Error(`compose.yml: x-${name}-settings belongs to no catalog service`);
    }
  }
  const logins = databasesOf(catalog).flatMap((db) => {
    const { login, owner } = passwordVariables(db);
    return [`${login}: \${${login}:-}`, `${owner}: \${${owner}:-}`];
  });
  const services = catalog.services.flatMap((spec, i) => [
    ...(i === 0 ? [] : [""]),
    ...serviceLines(catalog, spec, settings),
  ]);
  return { "database logins": logins, topics: topicLines(catalog), services };
}
