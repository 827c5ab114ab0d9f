/**
 * The containers and compose files, checked without a Docker engine: `compose.yml` and
 * `compose.dev.yml` against the Compose specification's JSON schema (the copy the `dclint` package
 * ships), and each service's container command (its Dockerfile plus compose) against how the
 * project runs it (`packages/infra/services.ts`, as `deno task dev` and the tests do).
 */
import assert from "node:assert/strict";
import { Ajv } from "ajv";
import { parse } from "yaml";
import { SERVICES, type ServiceSpec, V8_FLAGS } from "@pms/infra";

const ROOT = new URL("../", import.meta.url);
const read = (path: string) => Deno.readTextFile(new URL(path, ROOT));

// deno-lint-ignore no-explicit-any
type Json = any;

/** A compose file as Compose sees it: YAML with anchors and merge keys resolved. */
async function loadCompose(path: string): Promise<Json> {
  return parse(await read(path), { merge: true });
}

/** The Compose specification schema, from the npm package that ships it. */
async function composeSchema(): Promise<Json> {
  const schema = JSON.parse(
    await Deno.readTextFile(
      new URL("../schemas/compose.schema.json", import.meta.resolve("dclint")),
    ),
  );
  delete schema.$schema; // draft-07, Ajv's default
  return schema;
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

function dockerfileOf(spec: ServiceSpec): Promise<Instruction[]> {
  return read(`services/${spec.name}/Dockerfile`).then(parseDockerfile);
}

/** How the project runs a service: `deno run <its permissions> services/<name>/main.ts`. */
function projectCommand(spec: ServiceSpec): string[] {
  return ["deno", "run", ...spec.permissions, `services/${spec.name}/main.ts`];
}

const compose = await loadCompose("compose.yml");
const composeDev = await loadCompose("compose.dev.yml");

Deno.test("compose.yml and compose.dev.yml follow the Compose specification schema", async () => {
  const ajv = new Ajv({ allErrors: true, strict: false, allowUnionTypes: true, logger: false });
  const validate = ajv.compile(await composeSchema());
  for (const [name, model] of [["compose.yml", compose], ["compose.dev.yml", composeDev]]) {
    const ok = validate(model);
    assert.ok(ok, `${name}: ${JSON.stringify(validate.errors, null, 2)}`);
  }
  // The schema is strict (additionalProperties: false): a misspelt key is caught.
  assert.equal(validate({ services: { x: { image: "a", helthcheck: {} } } }), false);
});

Deno.test("each container runs main.ts exactly as the project does, as a non-root user", async () => {
  for (const spec of SERVICES) {
    const service = compose.services[spec.name];
    assert.ok(service, `compose.yml has no service ${spec.name}`);
    assert.deepEqual(service.build, {
      context: ".",
      dockerfile: `services/${spec.name}/Dockerfile`,
    });
    await Deno.stat(new URL(`services/${spec.name}/main.ts`, ROOT));

    const steps = await dockerfileOf(spec);
    const last = (keyword: string) => steps.findLast((s) => s.keyword === keyword)?.args;
    assert.equal(steps[0]?.keyword, "FROM", spec.name);
    assert.equal(steps[0]?.args, "denoland/deno:2.9.6", `${spec.name}: the official Deno image`);
    assert.equal(steps.filter((s) => s.keyword === "FROM").length, 1, spec.name);

    const entrypoint = service.entrypoint ?? execForm(last("ENTRYPOINT") ?? "[]");
    const cmd = service.command ?? execForm(last("CMD") ?? "[]");
    assert.deepEqual([...entrypoint, ...cmd], projectCommand(spec), spec.name);

    const user = last("USER");
    assert.ok(user && !["root", "0", "0:0"].includes(user), `${spec.name}: USER ${user}`);
    assert.ok(service.user === undefined, `${spec.name}: compose must not change the user`);

    // Dependencies in their own layer, before any code is copied; the service's graph cached after.
    const index = (find: (s: Instruction) => boolean) => steps.findIndex(find);
    const manifests = index((s) => s.keyword === "COPY" && /^deno\.json deno\.lock /.test(s.args));
    const install = index((s) => s.keyword === "RUN" && /^deno install\b/.test(s.args));
    const firstCode = index((s) =>
      s.keyword === "COPY" && /^(packages|services|proto)\//.test(s.args)
    );
    const cache = index((s) =>
      s.keyword === "RUN" && s.args === `deno cache --frozen services/${spec.name}/main.ts`
    );
    assert.ok(manifests >= 0 && manifests < install && install < firstCode, spec.name);
    assert.ok(firstCode < cache, `${spec.name}: deno cache of main.ts after the code is copied`);
    for (const dir of ["packages/", "proto/", `services/${spec.name}/`]) {
      assert.ok(steps.some((s) => s.keyword === "COPY" && s.args === `${dir} ${dir}`), dir);
    }

    const exposed = (last("EXPOSE") ?? "").split(/\s+/).map(Number);
    assert.deepEqual(exposed, [spec.port, ...(spec.grpcPort ? [spec.grpcPort] : [])], spec.name);
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

  const needs = (spec: ServiceSpec): Record<string, string> => {
    const deps: Record<string, string> = {};
    if (spec.database) deps.postgres = "service_healthy";
    if (spec.name !== "auth") deps.auth = "service_healthy";
    if (spec.kafka) deps["kafka-init"] = "service_completed_successfully";
    if (spec.name === "patient") deps.billing = "service_healthy";
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
    } else {
      assert.equal(env.DATABASE_URL, undefined, spec.name);
    }
    assert.equal(env.KAFKA_BROKERS, spec.kafka ? "kafka:9092" : undefined, spec.name);
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

Deno.test("Kafka runs in KRaft mode and its topics are created explicitly", () => {
  const kafka = compose.services.kafka;
  assert.match(kafka.image, /^apache\/kafka:\d+\.\d+\.\d+$/);
  assert.equal(kafka.environment.KAFKA_PROCESS_ROLES, "broker,controller");
  assert.equal(kafka.environment.KAFKA_AUTO_CREATE_TOPICS_ENABLE, "false");
  const init = compose.services["kafka-init"];
  const script = [init.entrypoint, init.command].flat().join(" ");
  assert.match(script, /--topic patient --partitions 3 /);
  assert.match(script, /--topic patient\.DLT --partitions 1 /);
  assert.equal(init.restart, "no");
});

Deno.test("PostgreSQL makes one database per service from the init script", async () => {
  const postgres = compose.services.postgres;
  const mount = postgres.volumes.find((v: string) => v.includes("docker-entrypoint-initdb.d"));
  assert.ok(mount, "the init script is mounted");
  const script = await read(mount.split(":")[0]);
  const listed = script.match(/^for service in (.+); do$/m)?.[1]?.split(" ");
  assert.deepEqual(
    listed?.toSorted(),
    SERVICES.flatMap((s) => (s.database ? [s.database] : [])).toSorted(),
  );
  for (const spec of SERVICES.filter((s) => s.database)) {
    const variable = `${spec.name.toUpperCase()}_DB_PASSWORD`;
    assert.equal(postgres.environment[variable], `\${${variable}:-}`);
  }
});

Deno.test("secrets come from the uncommitted env file, never from the repository", async () => {
  const text = await read("compose.yml");
  const variables = [...text.matchAll(/\$\{([A-Z0-9_]+)(?::?-[^}]*)?\}/g)].map((m) => m[1]!);
  const example = await read(".env.example");
  for (const name of new Set(variables)) {
    assert.match(example, new RegExp(`^#? ?${name}=`, "m"), `.env.example lacks ${name}`);
  }
  const secrets = ["POSTGRES_PASSWORD", "JWT_PRIVATE_KEY", "SMTP_URL"];
  for (const spec of SERVICES.filter((s) => s.database)) {
    secrets.push(`${spec.name.toUpperCase()}_DB_PASSWORD`);
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

Deno.test("each image bounds V8's heap as dev and the tests do", async () => {
  for (const spec of SERVICES) {
    const dockerfile = await read(`services/${spec.name}/Dockerfile`);
    assert.match(dockerfile, new RegExp(`DENO_V8_FLAGS=${V8_FLAGS}( |$)`, "m"), spec.name);
  }
});
