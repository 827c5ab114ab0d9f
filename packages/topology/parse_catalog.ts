import { z } from "zod";
import type { Catalog } from "./service_topology.ts";

// The catalog is validated with zod (already the project's schema library, for config and
// requests) rather than by hand: strict objects catch a misspelt field, and every issue carries
// the path of the field it is about.

/** A lower-case word: a service's folder, compose service, DNS name, role and variable stem. */
const NAME = /^[a-z][a-z0-9]*$/;
/** A document's name: lower-case words joined by `-` (`fhir`, `scheduling-fhir`). */
const DOCS = /^[a-z][a-z0-9]*(-[a-z0-9]+)*$/;
/** A topic: a lower-case word, then `.`-separated parts (`audit.checkpoints`, `patient.DLT`). */
const TOPIC = /^[a-z][a-z0-9]*(\.[A-Za-z0-9]+)*$/;

const port = z.int().min(1).max(65_535);
const name = z.string().regex(NAME, "must be a lower-case word (a-z, 0-9, starting with a-z)");
const docsName = z.string().regex(DOCS, "must be lower-case words joined by -");
const topicName = z.string().regex(TOPIC, "must be a lower-case word, then .-separated parts");
const v8Flags = z.string().regex(
  /^(--[a-z0-9-]+(=[A-Za-z0-9.]+)?)(,--[a-z0-9-]+(=[A-Za-z0-9.]+)?)*$/,
  {
    message: "must be comma-separated V8 flags (--name or --name=value)",
  },
);

const route = z.strictObject({
  path: z.string().regex(/^\/\S*[^/]$/, "must start with / and not end with /"),
  strip: z.string(),
  token: z.boolean(),
  public: z.array(z.string().startsWith("/")).optional(),
  internal: z.array(z.string().startsWith("/")).optional(),
  errors: z.enum(["json", "fhir"]).optional(),
  docs: docsName.optional(),
});

const service = z.strictObject({
  name,
  port,
  grpcPort: port.optional(),
  database: name.optional(),
  public: z.boolean().optional(),
  tokens: z.boolean(),
  produces: z.array(topicName).optional(),
  consumes: z.array(z.strictObject({ topic: topicName, group: z.string().min(1) })).optional(),
  permissions: z.array(z.string().regex(/^--allow-[a-z-]+(=\S+)?$/, "must be a --allow-… flag")),
  routes: z.array(route),
  docs: name.optional(),
  calls: z.array(z.strictObject({ service: name, protocol: z.enum(["http", "grpc"]) })),
  v8Flags: v8Flags.optional(),
});

const schema = z.strictObject({
  about: z.string().optional(),
  v8Flags,
  topics: z.array(z.strictObject({
    name: topicName,
    partitions: z.int().min(1),
    config: z.record(z.string(), z.string()).optional(),
  })),
  services: z.array(service).min(1),
}).superRefine((catalog, ctx) => {
  const issue = (message: string, path: (string | number)[]) =>
    ctx.addIssue({ code: "custom", message, path });
  const topics = new Set(catalog.topics.map((t) => t.name));
  const services = new Map(catalog.services.map((s) => [s.name, s]));
  const seen = { topic: new Set<string>(), name: new Set<string>(), database: new Set<string>() };
  const ports = new Map<number, string>();
  catalog.topics.forEach((topic, i) => {
    if (seen.topic.has(topic.name)) {
      issue(`topic ${topic.name} is listed twice`, ["topics", i, "name"]);
    }
    seen.topic.add(topic.name);
  });
  catalog.services.forEach((spec, i) => {
    const at = (...path: (string | number)[]) => ["services", i, ...path];
    if (seen.name.has(spec.name)) issue(`service ${spec.name} is listed twice`, at("name"));
    seen.name.add(spec.name);
    if (spec.database) {
      if (seen.database.has(spec.database)) {
        issue(`database ${spec.database} belongs to another service`, at("database"));
      }
      seen.database.add(spec.database);
    }
    for (const key of ["port", "grpcPort"] as const) {
      const value = spec[key];
      if (value === undefined) continue;
      const owner = ports.get(value);
      if (owner) issue(`port ${value} is already ${owner}'s`, at(key));
      ports.set(value, spec.name);
    }
    (spec.produces ?? []).forEach((topic, j) => {
      if (!topics.has(topic)) issue(`topic ${topic} is not in topics`, at("produces", j));
    });
    (spec.consumes ?? []).forEach(({ topic }, j) => {
      if (!topics.has(topic)) issue(`topic ${topic} is not in topics`, at("consumes", j, "topic"));
      else if (!topics.has(`${topic}.DLT`)) {
        issue(`topic ${topic}.DLT (its dead letters) is not in topics`, at("consumes", j, "topic"));
      }
    });
    spec.calls.forEach((call, j) => {
      const callee = services.get(call.service);
      if (!callee || callee === spec) {
        issue(`calls ${call.service}, which is no other service`, at("calls", j, "service"));
      } else if (call.protocol === "grpc" && callee.grpcPort === undefined) {
        issue(`calls ${call.service} over gRPC, which has no grpcPort`, at("calls", j, "protocol"));
      }
    });
  });
  const gateways = catalog.services.filter((s) => s.public);
  if (gateways.length !== 1) {
    issue(`exactly one service must be public, not ${gateways.length}`, ["services"]);
  }
});

/** The path of an issue as it reads in the file: `services[2].consumes[0].topic`. */
function pathOf(path: readonly PropertyKey[]): string {
  return path.map((key, i) =>
    typeof key === "number" ? `[${key}]` : `${i === 0 ? "" : "."}${String(key)}`
  ).join("");
}

/**
 * Validates the catalog's data (`services/catalog.json`, parsed) against its schema: the fields
 * and their types (unknown fields are refused, so a misspelt one is caught), names that are safe
 * as folders, DNS names, roles and variable stems, and that it holds together (unique names,
 * ports and databases; every produced or consumed topic listed, a consumed one with its `.DLT`;
 * calls to existing services, gRPC only to one with a `grpcPort`; one public service).
 *
 * @throws {Error} listing each bad field by its path, `<source>: services[2].port: …`.
 */
export function parseCatalog(data: unknown, source = "services/catalog.json"): Catalog {
  const result = schema.safeParse(data);
  if (result.success) return result.data;
  const lines = result.error.issues.map((issue) => {
    const keys = issue.code === "unrecognized_keys" ? issue.keys : [undefined];
    return keys.map((key) => {
      const path = pathOf(key === undefined ? issue.path : [...issue.path, key]) || "(top)";
      return `${source}: ${path}: ${key === undefined ? issue.message : "unknown field"}`;
    }).join("\n");
  });
  throw new Error(lines.join("\n"));
}
