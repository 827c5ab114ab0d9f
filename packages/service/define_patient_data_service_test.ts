import assert from "node:assert/strict";
import type { Database } from "@pms/db";
import type { EventPublisher } from "@pms/events";
import { Logger } from "@pms/log";
import type { ServiceTopology } from "@pms/topology";
import { definePatientDataService } from "./define_patient_data_service.ts";
import type { BackgroundWork, EventConsumerSpec, ServiceContext } from "./service_manifest.ts";

const config = {
  PORT: 0,
  HOST: "127.0.0.1",
  LOG_LEVEL: "info" as const,
  IDEMPOTENCY_TTL_SECONDS: 60,
  PAGE_SIZE_DEFAULT: 20,
  PAGE_SIZE_MAX: 100,
  MAX_BODY_BYTES: 1024,
  PATIENT_URL: "http://patient.invalid",
  FHIR_BASE_URL: "http://gateway.invalid/fhir/R4",
  PATIENT_TOPIC: "patient",
  PATIENT_GROUP_ID: "things-patient",
  THING_TOPIC: "thing",
};
const ownWork: BackgroundWork = { start() {}, stop: () => Promise.resolve() };
const ownConsumer = { topic: "other", group: "things-other" } as EventConsumerSpec;

function thingService(closed: string[]) {
  return definePatientDataService({
    topology: {} as ServiceTopology,
    title: "Thing Service API",
    migrations: new URL("./migrations", import.meta.url),
    config: () => config,
    topic: (config) => config.THING_TOPIC,
    setup: (_context, parts) => ({ service: { patients: parts.patients }, label: "things" }),
    routes() {},
    merges: ["things"],
    workers: () => [ownWork],
    consumers: () => [ownConsumer],
    close: ({ label }) => void closed.push(label),
  });
}

async function depsOf(manifest: ReturnType<typeof thingService>) {
  const context = {
    config,
    logger: new Logger({ service: "test", write: () => {} }),
    db: { sql: {} } as Database,
    verify: () => Promise.reject(new Error("no tokens here")),
    kafka: undefined,
  } satisfies ServiceContext<typeof config>;
  return { ...context, ...(await manifest.setup(context)) };
}

Deno.test("definePatientDataService() sets up the patient-data parts beside the service's own", async () => {
  const deps = await depsOf(thingService([]));
  assert.equal(deps.label, "things");
  assert.equal(deps.service.patients, deps.patients);
  assert.deepEqual(deps.paging, { defaultSize: 20, maxSize: 100 });
  assert.equal(deps.fhirBaseUrl, config.FHIR_BASE_URL);
  assert.equal(deps.publisher, undefined);
});

Deno.test("definePatientDataService() runs the key cleanup, then its own work, then the relay", async () => {
  const manifest = thingService([]);
  const deps = await depsOf(manifest);
  const work = manifest.workers!(deps);
  assert.equal(work.length, 2);
  assert.equal(work[1], ownWork);
  const publisher = { close: () => Promise.resolve() } as unknown as EventPublisher;
  const relayed = manifest.workers!({ ...deps, publisher });
  assert.equal(relayed.length, 4);
  assert.equal(relayed[1], ownWork);
});

Deno.test("definePatientDataService() follows patient merges before its own consumers", async () => {
  const manifest = thingService([]);
  const [merges, own, ...rest] = manifest.consumers!(await depsOf(manifest));
  assert.equal(merges!.topic, "patient");
  assert.equal(merges!.group, "things-patient");
  assert.equal(own, ownConsumer);
  assert.deepEqual(rest, []);
});

Deno.test("definePatientDataService() closes the service's clients, then its publisher", async () => {
  const closed: string[] = [];
  const manifest = thingService(closed);
  const publisher = {
    close: () => Promise.resolve(void closed.push("publisher")),
  } as unknown as EventPublisher;
  await manifest.close!({ ...(await depsOf(manifest)), publisher });
  assert.deepEqual(closed, ["things", "publisher"]);
});
