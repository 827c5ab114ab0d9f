/**
 * What `deno task generate` writes from `services/catalog.json` (the service blocks, database
 * logins and topics of `compose.yml`, the database list of `scripts/compose/init-databases.sh`, the
 * logins of `make-env.sh` and `.env.example`) is what is checked in, and a service added to the
 * catalog gets all of it from that one command.
 *
 * @module
 */
import assert from "node:assert/strict";
import { type Catalog, parseCatalog, type ServiceTopology } from "@pms/topology";
import { fillRegions } from "../scripts/generate/_regions.ts";
import { composeRegions } from "../scripts/generate/_compose.ts";
import { GENERATED_PATHS, generatedFiles } from "../scripts/generate/generated_files.ts";
import { catalog } from "../services/catalog.ts";
import { composeValidator, parseCompose } from "./_compose.ts";

const ROOT = new URL("../", import.meta.url);
const read = (path: string) => Deno.readTextFile(new URL(path, ROOT));

// deno-lint-ignore no-explicit-any
type Json = any;

Deno.test("the checked-in files are what deno task generate writes from the catalog", async () => {
  for (const { path, text } of await generatedFiles(catalog, read)) {
    assert.ok(text === await read(path), `${path} is out of date: run deno task generate`);
  }
  assert.deepEqual(GENERATED_PATHS.toSorted(), [
    ".env.example",
    "compose.yml",
    "scripts/compose/init-databases.sh",
    "scripts/compose/make-env.sh",
  ]);
  // The task itself, as CI runs it, with only the permissions deno.json gives it.
  const task = JSON.parse(await read("deno.json")).tasks.generate as string;
  assert.equal(task, "deno run --allow-read=. --allow-write=. scripts/generate/main.ts");
  const run = await new Deno.Command(Deno.execPath(), {
    args: [...task.split(" ").slice(1), "--check"],
    cwd: ROOT,
    stdout: "piped",
    stderr: "piped",
  }).output();
  assert.equal(run.code, 0, new TextDecoder().decode(run.stderr));
});

/** The catalog with a pharmacy service (own database and topic, consumes patient events). */
function withPharmacy(): Catalog {
  const pharmacy: ServiceTopology = {
    name: "pharmacy",
    port: 4010,
    database: "pharmacy",
    tokens: true,
    consumes: [{ topic: "patient", group: "pharmacy-service" }],
    produces: ["pharmacy", "audit"],
    permissions: ["--allow-net", "--allow-env", "--allow-read"],
    routes: [{ path: "/api/prescriptions", strip: "/api", token: true }],
    docs: "pharmacy",
    calls: [],
  };
  const services = [...catalog.services];
  services.splice(services.length - 1, 0, pharmacy); // before the gateway
  return parseCatalog({
    ...catalog,
    topics: [
      ...catalog.topics,
      { name: "pharmacy", partitions: 3 },
      { name: "pharmacy.DLT", partitions: 1 },
    ],
    services,
  });
}

Deno.test("a service added to the catalog gets its container, database, logins and topics from deno task generate", async () => {
  const files = Object.fromEntries(
    (await generatedFiles(withPharmacy(), read)).map(({ path, text }) => [path, text]),
  );
  const compose: Json = parseCompose(files["compose.yml"]!);
  const validate = await composeValidator();
  const model: unknown = compose;
  assert.ok(validate(model), JSON.stringify(validate.errors, null, 2));

  const service = compose.services.pharmacy;
  assert.deepEqual(service.build, {
    context: ".",
    dockerfile: "Dockerfile",
    args: { SERVICE: "pharmacy" },
  });
  assert.equal(service.image, "patient-management/pharmacy:${IMAGE_TAG:-latest}");
  assert.deepEqual(service.depends_on, {
    postgres: { condition: "service_healthy" },
    auth: { condition: "service_healthy" },
    "kafka-init": { condition: "service_completed_successfully" },
  });
  assert.ok(Array.isArray(service.healthcheck.test), "the shared health probe");
  const env = service.environment;
  assert.equal(env.PORT, 4010);
  assert.equal(env.HOST, "0.0.0.0");
  assert.equal(env.AUTH_JWKS_URL, "http://auth:4005/.well-known/jwks.json");
  assert.equal(
    env.DATABASE_URL,
    "postgres://pharmacy:${PHARMACY_DB_PASSWORD:-}@postgres:5432/pharmacy",
  );
  assert.equal(
    env.DATABASE_OWNER_URL,
    "postgres://pharmacy_owner:${PHARMACY_DB_OWNER_PASSWORD:-}@postgres:5432/pharmacy",
  );
  assert.equal(env.KAFKA_BROKERS, "kafka:9092");
  assert.equal(service.ports, undefined, "only the gateway publishes a port");
  // The gateway routes to it and waits for it.
  assert.equal(compose.services.gateway.environment.PHARMACY_URL, "http://pharmacy:4010");
  assert.deepEqual(compose.services.gateway.depends_on.pharmacy, {
    condition: "service_healthy",
  });
  // Its database's two logins, its topics.
  for (const name of ["PHARMACY_DB_PASSWORD", "PHARMACY_DB_OWNER_PASSWORD"]) {
    assert.equal(compose.services.postgres.environment[name], `\${${name}:-}`);
    assert.match(
      files["scripts/compose/make-env.sh"]!,
      new RegExp(`^  echo "${name}=\\$\\(secret\\)"$`, "m"),
    );
    assert.match(files[".env.example"]!, new RegExp(`^${name}=change-me-`, "m"));
  }
  const init = compose.services["kafka-init"].command.join(" ");
  assert.match(init, /--topic pharmacy --partitions 3 --replication-factor 1;/);
  assert.match(init, /--topic pharmacy\.DLT --partitions 1 --replication-factor 1$/);
  assert.match(
    files["scripts/compose/init-databases.sh"]!,
    /^databases="auth billing patient analytics notification audit scheduling clinical pharmacy"$/m,
  );
  // The shell scripts still parse.
  for (
    const [shell, path] of [["sh", "scripts/compose/init-databases.sh"], [
      "bash",
      "scripts/compose/make-env.sh",
    ]]
  ) {
    const check = await new Deno.Command(shell!, { args: ["-n", "-c", files[path!]!] }).output();
    assert.equal(check.code, 0, `${path}: ${new TextDecoder().decode(check.stderr)}`);
  }
  // As `deno fmt` (the gate) leaves it.
  const fmt = new Deno.Command(Deno.execPath(), {
    args: ["fmt", "--ext", "yml", "-"],
    stdin: "piped",
    stdout: "piped",
  }).spawn();
  const writer = fmt.stdin.getWriter();
  await writer.write(new TextEncoder().encode(files["compose.yml"]!));
  await writer.close();
  assert.equal(new TextDecoder().decode((await fmt.output()).stdout), files["compose.yml"]);
  // The other services' blocks are as they were.
  const current: Json = parseCompose(await read("compose.yml"));
  for (const spec of catalog.services.filter((s) => s.name !== "gateway")) {
    assert.deepEqual(compose.services[spec.name], current.services[spec.name], spec.name);
  }
});

Deno.test("deno task generate refuses a file without its region and settings of no service", async () => {
  const regions = { databases: ['databases="a b"'] };
  assert.throws(
    () => fillRegions("x.sh", "set -eu\n", regions),
    /x\.sh has no region "databases": add the lines "# >>> databases: written by/,
  );
  assert.throws(
    () => fillRegions("x.sh", "# >>> databases: written by\nold\n", regions),
    /x\.sh:1: region "databases" has no "# <<< databases"/,
  );
  assert.throws(
    () => fillRegions("x.sh", "# >>> topics: x\n# <<< topics\n", regions),
    /x\.sh:1: no generator writes region "topics"/,
  );
  assert.equal(
    fillRegions("x.sh", "a\n  # >>> databases: old\n  stale\n  # <<< databases\nb", regions),
    "a\n  # >>> databases: written by `deno task generate` from services/catalog.json\n" +
      '  databases="a b"\n  # <<< databases\nb',
  );
  const compose = await read("compose.yml");
  assert.throws(
    () => composeRegions(catalog, `${compose}\nx-pharmacy-settings: &pharmacy-settings\n`),
    /x-pharmacy-settings belongs to no catalog service/,
  );
});
