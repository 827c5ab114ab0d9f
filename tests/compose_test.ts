/**
 * The containers and compose files, checked without a Docker engine: `compose.yml` and
 * `compose.dev.yml` against the Compose specification's JSON schema (the copy the `dclint` package
 * ships), the one `Dockerfile` (every service's image, `--build-arg SERVICE=<name>`) and compose
 * against how the project runs each service (`services/catalog.json`, as `deno task dev` and the
 * tests do): the entrypoint the image writes from the catalog is run for each service, the health
 * probe against a real server, and each service's module graph against what the image copies.
 */
import assert from "node:assert/strict";
import { type ServiceTopology, serviceV8Flags, usesKafka } from "@pms/topology";
import { catalog } from "../services/catalog.ts";
import { composeValidator, parseCompose } from "./_compose.ts";

const ROOT = new URL("../", import.meta.url);
const read = (path: string) => Deno.readTextFile(new URL(path, ROOT));
const SERVICES = catalog.services;

// deno-lint-ignore no-explicit-any
type Json = any;

/** A compose file as Compose sees it: YAML with anchors and merge keys resolved. */
async function loadCompose(path: string): Promise<Json> {
  return parseCompose(await read(path));
}

interface Instruction {
  keyword: string;
  args: string;
}

/** A Dockerfile's instructions (comments dropped, continuation lines joined). */
function parseDockerfile(text: string): Instruction[] {
  const logical: string[] = [];
  let current = "";
  for (const raw of text.split("\n")) {
    const line = raw.trim();
    if (current === "" && (line === "" || line.startsWith("#"))) continue;
    if (line.startsWith("#")) continue;
    if (line.endsWith("\\")) {
      current += line.slice(0, -1) + " ";
      continue;
    }
    logical.push(current + line);
    current = "";
  }
  return logical.map((line) => {
    const keyword = line.split(/\s+/, 1)[0] ?? "";
    return { keyword: keyword.toUpperCase(), args: line.slice(keyword.length).trim() };
  });
}

/** The exec form (JSON array) of CMD / ENTRYPOINT; the shell form is refused. */
function execForm(args: string): string[] {
  assert.ok(args.startsWith("["), `exec form expected (no shell in between): ${args}`);
  return JSON.parse(args);
}

/** How the project runs a service: `deno run <its permissions> services/<name>/main.ts`. */
function projectCommand(spec: ServiceTopology): string[] {
  return ["deno", "run", ...spec.permissions, `services/${spec.name}/main.ts`];
}

/** A .dockerignore as Docker applies it: the last matching pattern wins, `!` re-includes. */
function dockerIgnore(text: string): (path: string) => boolean {
  const rules = text.split("\n").map((l) => l.trim()).filter((l) => l && !l.startsWith("#"))
    .map((line) => {
      const include = line.startsWith("!");
      const glob = (include ? line.slice(1) : line).replace(/^\//, "").replace(/\/$/, "");
      const source = glob.split(/(\*\*\/|\*\*|\*|\?)/).map((part) =>
        part === "**/"
          ? "(?:.*/)?"
          : part === "**"
          ? ".*"
          : part === "*"
          ? "[^/]*"
          : part === "?"
          ? "[^/]"
          : part.replace(/[.+^${}()|[\]\\]/g, "\\$&")
      ).join("");
      // A pattern that matches a directory excludes everything below it.
      return { include, pattern: new RegExp(`^${source}(?:/.*)?$`) };
    });
  return (path) => {
    let ignored = false;
    for (const rule of rules) if (rule.pattern.test(path)) ignored = !rule.include;
    return ignored;
  };
}

/** Runs `deno <args>` in the repository, with a clean environment (only PATH, HOME, DENO_DIR). */
async function deno(
  args: string[],
  env: Record<string, string> = {},
): Promise<{ code: number; stdout: string; stderr: string }> {
  const keep = ["PATH", "HOME", "DENO_DIR"].flatMap((name) => {
    const value = Deno.env.get(name);
    return value === undefined ? [] : [[name, value] as const];
  });
  const output = await new Deno.Command(Deno.execPath(), {
    args,
    cwd: ROOT,
    clearEnv: true,
    env: { ...Object.fromEntries(keep), NO_COLOR: "1", ...env },
    stdin: "null",
  }).output();
  const decoder = new TextDecoder();
  return {
    code: output.code,
    stdout: decoder.decode(output.stdout),
    stderr: decoder.decode(output.stderr),
  };
}

const dockerfile = parseDockerfile(await read("Dockerfile"));
const lastOf = (keyword: string) => dockerfile.findLast((s) => s.keyword === keyword)?.args;
/** Where the image's entrypoint is (written at build time by services/entrypoint.ts). */
const ENTRYPOINT = execForm(lastOf("ENTRYPOINT") ?? "[]");
/** The Dockerfile's health probe, exec form (after the HEALTHCHECK options). */
const HEALTHCHECK = execForm(lastOf("HEALTHCHECK")?.replace(/^(--\S+\s+)*CMD\s+/, "") ?? "[]");

const compose = await loadCompose("compose.yml");
const composeDev = await loadCompose("compose.dev.yml");

Deno.test("compose.yml and compose.dev.yml follow the Compose specification schema", async () => {
  const validate = await composeValidator();
  for (const [name, model] of [["compose.yml", compose], ["compose.dev.yml", composeDev]]) {
    const ok = validate(model);
    assert.ok(ok, `${name}: ${JSON.stringify(validate.errors, null, 2)}`);
  }
  // The schema is strict (additionalProperties: false): a misspelt key is caught.
  assert.equal(validate({ services: { x: { image: "a", helthcheck: {} } } }), false);
});

Deno.test("one Dockerfile builds every service: official image, non-root, its graph cached", async () => {
  // compose.yml's blocks are written by `deno task generate` (tests/generated_files_test.ts):
  // each builds this Dockerfile with SERVICE=<name> and changes neither command nor user.
  for (const spec of SERVICES) {
    const service = compose.services[spec.name];
    assert.deepEqual(service?.build?.args, { SERVICE: spec.name });
    assert.equal(service.user, undefined, `${spec.name}: compose must not change the user`);
    await Deno.stat(new URL(`services/${spec.name}/main.ts`, ROOT));
  }
  for await (const entry of Deno.readDir(new URL("services/", ROOT))) {
    if (!entry.isDirectory) continue;
    const own = await Deno.stat(new URL(`services/${entry.name}/Dockerfile`, ROOT)).catch(() =>
      null
    );
    assert.equal(own, null, `services/${entry.name}/Dockerfile: the root Dockerfile builds it`);
  }

  const steps = dockerfile;
  assert.equal(steps[0]?.keyword, "FROM");
  assert.equal(steps[0]?.args, "denoland/deno:2.9.6", "the official Deno image");
  assert.equal(steps.filter((s) => s.keyword === "FROM").length, 1);
  assert.ok(steps.some((s) => s.keyword === "ARG" && s.args === "SERVICE"), "ARG SERVICE");

  const index = (find: (s: Instruction) => boolean) => steps.findIndex(find);
  const user = index((s) => s.keyword === "USER");
  assert.equal(steps.filter((s) => s.keyword === "USER").length, 1, "one USER, for what runs");
  assert.ok(!["root", "0", "0:0"].includes(steps[user]!.args), `USER ${steps[user]!.args}`);

  // The entrypoint: written as root (before USER) from the catalog, into a root-owned file.
  assert.equal(ENTRYPOINT.length, 1, `ENTRYPOINT ${ENTRYPOINT}`);
  assert.equal(lastOf("CMD"), undefined, "no CMD: the entrypoint is the whole command");
  const written = index((s) =>
    s.keyword === "RUN" &&
    s.args.includes(`deno run --frozen services/entrypoint.ts "$SERVICE" >${ENTRYPOINT[0]} `)
  );
  assert.ok(written >= 0 && written < user, "the entrypoint is written by root, before USER");

  // Manifests before any code; the service's own graph cached, as `deno`, after the code.
  const manifests = index((s) => s.keyword === "COPY" && s.args === "deno.json deno.lock ./");
  const firstCode = index((s) =>
    s.keyword === "COPY" && /^(packages|proto|services\/\$\{SERVICE\})\//.test(s.args)
  );
  const cache = index((s) =>
    s.keyword === "RUN" && s.args === "deno cache --frozen services/${SERVICE}/main.ts"
  );
  assert.ok(manifests >= 0 && manifests < firstCode, "deno.json and deno.lock before the code");
  assert.ok(firstCode < cache && user < cache, "deno cache of main.ts, as deno, after the code");
  for (const dir of ["packages/", "proto/", "services/${SERVICE}/"]) {
    assert.ok(steps.some((s) => s.keyword === "COPY" && s.args === `${dir} ${dir}`), dir);
  }
  // No `deno install`: it would cache the whole import map, test-only packages included.
  for (const step of steps.filter((s) => s.keyword === "RUN")) {
    assert.doesNotMatch(step.args, /\bdeno install\b/);
  }
  const env = ` ${steps.filter((s) => s.keyword === "ENV").map((s) => s.args).join(" ")} `;
  for (const setting of ["APP_ENV=production", "HOST=0.0.0.0", "SERVICE=${SERVICE}"]) {
    assert.ok(env.includes(` ${setting} `), setting);
  }
  // Deno fetches only the npm packages the graph imports (at build and start), not the lockfile's.
  assert.ok(env.includes(" DENO_UNSTABLE_NPM_LAZY_CACHING=1 "), "lazy npm caching");
});

Deno.test("the entrypoint the image writes runs main.ts exactly as the project does", async () => {
  const tmp = await Deno.makeTempDir({ prefix: "pms-entrypoint-" });
  try {
    // A stand-in `deno` that reports its process id, DENO_V8_FLAGS and its arguments.
    await Deno.mkdir(`${tmp}/bin`);
    await Deno.writeTextFile(
      `${tmp}/bin/deno`,
      `#!/bin/sh\nprintf '%s\\n' "$$" "$DENO_V8_FLAGS" "$@"\n`,
      { mode: 0o755 },
    );
    for (const spec of SERVICES) {
      // As the Dockerfile runs it: no permission at all.
      const written = await deno(["run", "--frozen", "services/entrypoint.ts", spec.name]);
      assert.equal(written.code, 0, `${spec.name}: ${written.stderr}`);
      assert.match(written.stdout, /^#!\/bin\/sh\n/, spec.name);
      const script = `${tmp}/run-${spec.name}`;
      await Deno.writeTextFile(script, written.stdout, { mode: 0o755 });

      const child = new Deno.Command(script, {
        clearEnv: true,
        env: { PATH: `${tmp}/bin:/usr/bin:/bin` },
        stdout: "piped",
        stderr: "piped",
      }).spawn();
      const output = await child.output();
      assert.equal(output.code, 0, new TextDecoder().decode(output.stderr));
      const lines = new TextDecoder().decode(output.stdout).trimEnd().split("\n");
      const [pid, v8Flags, ...args] = lines;
      assert.deepEqual(["deno", ...args], projectCommand(spec), spec.name);
      assert.equal(v8Flags, serviceV8Flags(catalog, spec), `${spec.name}: its V8 flags`);
      // exec: deno replaces the shell (same process), so the container's signals reach it.
      assert.equal(Number(pid), child.pid, `${spec.name}: exec deno`);
    }
    const unknown = await deno(["run", "services/entrypoint.ts", "no-such-service"]);
    assert.notEqual(unknown.code, 0);
    assert.equal(unknown.stdout, "");
    assert.match(unknown.stderr, /no service named "no-such-service"/);
  } finally {
    await Deno.remove(tmp, { recursive: true });
  }
});

Deno.test("the image's health probe asks /health on PORT, else on the catalog's port", async () => {
  assert.deepEqual(HEALTHCHECK, [
    "deno",
    "run",
    "--allow-env=PORT,SERVICE",
    "--allow-net=127.0.0.1",
    "services/healthcheck.ts",
  ]);
  let status = 200;
  const paths: string[] = [];
  const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen() {} }, (request) => {
    paths.push(new URL(request.url).pathname);
    return new Response("ok", { status });
  });
  try {
    // Exactly the HEALTHCHECK's command, so its narrow permissions are proven enough.
    const probe = (env: Record<string, string>) => deno(HEALTHCHECK.slice(1), env);
    const port = String(server.addr.port);
    assert.equal((await probe({ PORT: port, SERVICE: "gateway" })).code, 0);
    status = 503;
    assert.equal((await probe({ PORT: port })).code, 1);
    assert.deepEqual(paths, ["/health", "/health"]);

    const unknown = await probe({ SERVICE: "no-such-service" });
    assert.equal(unknown.code, 1);
    assert.match(unknown.stderr, /no PORT/);
    // Without PORT: the catalog's port of SERVICE (when nothing listens there, it says which).
    const gateway = catalog.services.find((s) => s.name === "gateway")!;
    const byCatalog = await probe({ SERVICE: "gateway" });
    if (byCatalog.code !== 0) assert.match(byCatalog.stderr, new RegExp(`port ${gateway.port}\\b`));
  } finally {
    await server.shutdown();
  }
});

Deno.test("each image holds its service's module graph and no test-only package", async () => {
  const copied = dockerfile.filter((s) => s.keyword === "COPY").flatMap((s) =>
    s.args.split(/\s+/).filter((a) => !a.startsWith("--")).slice(0, -1)
  );
  const ignored = dockerIgnore(await read(".dockerignore"));
  const testOnly =
    /^(testcontainers|@testcontainers\/|@electric-sql\/|@aws-sdk\/|dclint|ajv|smtp-server)/;
  for (const spec of SERVICES) {
    const info = await deno(["info", "--json", `services/${spec.name}/main.ts`]);
    assert.equal(info.code, 0, `${spec.name}: ${info.stderr}`);
    const graph = JSON.parse(info.stdout);
    const sources = copied.map((path) => path.replaceAll("${SERVICE}", spec.name));
    for (const module of graph.modules) {
      assert.equal(module.error, undefined, `${spec.name}: ${module.specifier}: ${module.error}`);
      if (!module.specifier.startsWith("file:")) continue;
      const path = module.specifier.slice(ROOT.href.length);
      assert.ok(
        sources.some((source) => source.endsWith("/") ? path.startsWith(source) : path === source),
        `${spec.name} loads ${path}, which the Dockerfile does not copy`,
      );
      assert.ok(!ignored(path), `${spec.name} loads ${path}, which .dockerignore leaves out`);
    }
    // The npm packages the graph imports, with their dependencies: what lazy caching fetches.
    const reached = new Set<string>();
    const pending: string[] = graph.modules.flatMap((m: Json) => m.npmPackage ?? []);
    for (let next = pending.pop(); next !== undefined; next = pending.pop()) {
      if (reached.has(next)) continue;
      reached.add(next);
      pending.push(...graph.npmPackages[next].dependencies);
    }
    assert.ok(reached.size > 0, spec.name);
    for (const id of reached) {
      const name: string = graph.npmPackages[id].name;
      assert.doesNotMatch(name, testOnly, `${spec.name}: ${name} is test-only`);
    }
  }
});

Deno.test("only the gateway publishes a port; dev publishes PostgreSQL and Kafka on loopback", () => {
  const published = Object.entries(compose.services as Record<string, Json>)
    .filter(([, service]) => service.ports !== undefined);
  assert.deepEqual(published.map(([name]) => name), ["gateway"]);
  assert.deepEqual(compose.services.gateway.ports, ["4004:4004"]);
  for (const service of Object.values(compose.services as Record<string, Json>)) {
    assert.equal(service.network_mode, undefined);
  }

  assert.deepEqual(Object.keys(composeDev.services).sort(), ["kafka", "postgres"]);
  assert.deepEqual(composeDev.services.postgres.ports, ["127.0.0.1:5432:5432"]);
  // packages/infra/kafka/start_kafka.ts expects the broker on 127.0.0.1:9094 in dev.
  assert.deepEqual(composeDev.services.kafka.ports, ["127.0.0.1:9094:9094"]);
  assert.match(
    compose.services.kafka.environment.KAFKA_ADVERTISED_LISTENERS,
    /(^|,)HOST:\/\/127\.0\.0\.1:9094(,|$)/,
  );
});

Deno.test("every service has a health check and waits for what it needs to be healthy", () => {
  for (const [name, service] of Object.entries(compose.services as Record<string, Json>)) {
    if (name === "kafka-init") continue; // one-shot: its exit status is what others wait for
    assert.ok(Array.isArray(service.healthcheck?.test), `${name} has no healthcheck`);
    assert.notEqual(service.healthcheck.disable, true, name);
  }
  for (const spec of SERVICES) {
    const test: string[] = compose.services[spec.name].healthcheck.test;
    assert.equal(test[0], "CMD", spec.name);
    assert.match(test.join(" "), /\/health\b/, spec.name);
  }

  // Whom a service calls, directly or through others.
  const callees = (name: string, seen = new Set<string>()): Set<string> => {
    for (const call of SERVICES.find((s) => s.name === name)!.calls) {
      if (!seen.has(call.service)) {
        seen.add(call.service);
        callees(call.service, seen);
      }
    }
    return seen;
  };
  const needs = (spec: ServiceTopology): Record<string, string> => {
    const deps: Record<string, string> = {};
    if (spec.database) deps.postgres = "service_healthy";
    if (spec.name !== "auth") deps.auth = "service_healthy";
    if (usesKafka(spec)) deps["kafka-init"] = "service_completed_successfully";
    // A service waits for each service it calls (notification → patient, scheduling → auth),
    // but not for one that calls it back (patient ⇄ billing): Compose refuses such a cycle.
    for (const call of spec.calls) {
      if (!callees(call.service).has(spec.name)) deps[call.service] = "service_healthy";
    }
    if (spec.name === "gateway") {
      for (const other of SERVICES) {
        if (other.name !== "gateway") deps[other.name] = "service_healthy";
      }
    }
    return deps;
  };
  for (const spec of SERVICES) {
    const dependsOn = compose.services[spec.name].depends_on as Record<string, Json>;
    const conditions = Object.fromEntries(
      Object.entries(dependsOn).map(([name, d]) => [name, d.condition]),
    );
    assert.deepEqual(conditions, needs(spec), spec.name);
  }
  assert.deepEqual(compose.services["kafka-init"].depends_on, {
    kafka: { condition: "service_healthy" },
  });
  // Compose starts the services in an order: no cycle of depends_on (Kahn's algorithm).
  const waits = new Map(
    Object.entries(compose.services as Record<string, Json>).map((
      [name, service],
    ) => [name, new Set(Object.keys(service.depends_on ?? {}))]),
  );
  while (waits.size > 0) {
    const ready = [...waits].filter(([, deps]) => deps.size === 0).map(([name]) => name);
    assert.ok(ready.length > 0, `a cycle of depends_on among ${[...waits.keys()].join(", ")}`);
    for (const name of ready) waits.delete(name);
    for (const deps of waits.values()) for (const name of ready) deps.delete(name);
  }
});

Deno.test("the services are wired to each other, their own database and Kafka", () => {
  const host = (name: string) => SERVICES.find((s) => s.name === name)!;
  for (const spec of SERVICES) {
    const env = compose.services[spec.name].environment as Record<string, string | number>;
    assert.equal(String(env.PORT), String(spec.port), spec.name);
    assert.equal(env.HOST, "0.0.0.0", `${spec.name} must listen beyond loopback in its container`);
    assert.ok(env.APP_ENV && env.LOG_LEVEL, spec.name);
    if (spec.database) {
      const url = new URL(String(env.DATABASE_URL));
      assert.equal(url.hostname, "postgres", spec.name);
      assert.equal(url.pathname, `/${spec.database}`, spec.name);
      assert.equal(url.username, spec.database, `${spec.name} logs in with its own role`);
      // Migrations run as the database's owner, a login of its own (see the init script).
      const owner = new URL(String(env.DATABASE_OWNER_URL));
      assert.equal(owner.host, url.host, spec.name);
      assert.equal(owner.pathname, url.pathname, spec.name);
      assert.equal(owner.username, `${spec.database}_owner`, spec.name);
    } else {
      assert.equal(env.DATABASE_URL, undefined, spec.name);
      assert.equal(env.DATABASE_OWNER_URL, undefined, spec.name);
    }
    assert.equal(env.KAFKA_BROKERS, usesKafka(spec) ? "kafka:9092" : undefined, spec.name);
    if (spec.name !== "auth") {
      assert.equal(env.AUTH_JWKS_URL, `http://auth:${host("auth").port}/.well-known/jwks.json`);
    }
  }
  const billing = host("billing");
  const billingEnv = compose.services.billing.environment;
  assert.equal(billingEnv.GRPC_HOST, "0.0.0.0");
  assert.equal(String(billingEnv.GRPC_PORT), String(billing.grpcPort));
  assert.equal(
    compose.services.patient.environment.BILLING_GRPC_ADDRESS,
    `billing:${billing.grpcPort}`,
  );
  const gateway = compose.services.gateway.environment;
  for (const spec of SERVICES.filter((s) => s.name !== "gateway")) {
    assert.equal(gateway[`${spec.name.toUpperCase()}_URL`], `http://${spec.name}:${spec.port}`);
  }
});

Deno.test("compose runs production and seeds demo data only when told to", () => {
  const common = compose["x-common-env"];
  assert.equal(common.APP_ENV, "${APP_ENV:-production}");
  const seeding = SERVICES.filter((spec) =>
    compose.services[spec.name].environment.SEED_DEMO_DATA !== undefined
  );
  assert.deepEqual(seeding.map((spec) => spec.name).toSorted(), ["auth", "patient"]);
  for (const spec of seeding) {
    // Without SEED_DEMO_DATA in .env, no demo users (with their published passwords) exist;
    // with it, APP_ENV must say development, or the service refuses to start.
    assert.equal(
      compose.services[spec.name].environment.SEED_DEMO_DATA,
      "${SEED_DEMO_DATA:-false}",
      spec.name,
    );
  }
});

Deno.test("Kafka runs in KRaft mode and its topics are created explicitly, by kafka-init", () => {
  const kafka = compose.services.kafka;
  assert.match(kafka.image, /^apache\/kafka:\d+\.\d+\.\d+$/);
  assert.equal(kafka.environment.KAFKA_PROCESS_ROLES, "broker,controller");
  assert.equal(kafka.environment.KAFKA_AUTO_CREATE_TOPICS_ENABLE, "false");
  // The topic list itself is the catalog's, written by `deno task generate`.
  const init = compose.services["kafka-init"];
  const script = [init.entrypoint, init.command].flat().join(" ");
  assert.equal(
    [...script.matchAll(/--create --if-not-exists --topic /g)].length,
    catalog.topics.length,
  );
  assert.equal(init.restart, "no");
});

Deno.test("PostgreSQL makes each service's database and two logins with the init script", async () => {
  const postgres = compose.services.postgres;
  const mount = postgres.volumes.find((v: string) => v.includes("docker-entrypoint-initdb.d"));
  assert.ok(mount, "the init script is mounted");
  const script = await read(mount.split(":")[0]);
  for (const suffix of ["DB_PASSWORD", "DB_OWNER_PASSWORD"]) {
    assert.match(script, new RegExp(`_${suffix}\\b`), `the init script reads <SERVICE>_${suffix}`);
  }
  assert.match(script, /^for service in \$databases; do$/m);
});

Deno.test("secrets come from the uncommitted env file, never from the repository", async () => {
  const text = await read("compose.yml");
  const variables = [...text.matchAll(/\$\{([A-Z0-9_]+)(?::?-[^}]*)?\}/g)].map((m) => m[1]!);
  const example = await read(".env.example");
  for (const name of new Set(variables)) {
    assert.match(example, new RegExp(`^#? ?${name}=`, "m"), `.env.example lacks ${name}`);
  }
  const secrets = [
    "POSTGRES_PASSWORD",
    "JWT_PRIVATE_KEY",
    "AUDIT_CHECKPOINT_KEY",
    "MFA_ENCRYPTION_KEY",
    "SMTP_URL",
  ];
  for (const spec of SERVICES.filter((s) => s.database)) {
    secrets.push(`${spec.name.toUpperCase()}_DB_PASSWORD`);
    secrets.push(`${spec.name.toUpperCase()}_DB_OWNER_PASSWORD`);
  }
  for (const name of secrets) assert.ok(variables.includes(name), `${name} from .env`);
  // No literal credentials: every password or key in compose.yml is a ${...} reference.
  assert.doesNotMatch(text, /^\s*[A-Z_]*(PASSWORD|KEY|SECRET|TOKEN):[ \t]*(?!\$\{)\S/m);
  assert.doesNotMatch(text, /PRIVATE KEY/);
  assert.doesNotMatch(text, /postgres:\/\/[^:]+:(?!\$\{)[^@]+@/);

  const ignored = (await read(".gitignore")).split("\n").map((l) => l.trim());
  assert.ok(ignored.includes(".env"), ".env is not committed");
  const dockerIgnored = (await read(".dockerignore")).split("\n").map((l) => l.trim());
  assert.ok(dockerIgnored.includes(".env"), ".env stays out of the build context");
  const tracked = new Deno.Command("git", { args: ["ls-files", ".env"], cwd: ROOT }).outputSync();
  assert.equal(new TextDecoder().decode(tracked.stdout).trim(), "");
});
