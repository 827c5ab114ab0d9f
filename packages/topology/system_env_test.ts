import assert from "node:assert/strict";
import type { Catalog, ServiceTopology } from "./service_topology.ts";
import { systemEnv } from "./system_env.ts";

const service = (name: string, database?: string): ServiceTopology => ({
  name,
  port: 1,
  tokens: false,
  permissions: [],
  routes: [],
  calls: [],
  ...(database ? { database } : {}),
});
const catalog: Catalog = {
  v8Flags: "",
  topics: [],
  services: [service("audit", "audit"), service("gateway")],
};

Deno.test("systemEnv() gives a service its own login as DATABASE_URL and the owner as DATABASE_OWNER_URL", () => {
  const env = systemEnv(catalog, {
    ports: { audit: 4006, gateway: 4004 },
    databaseUrls: { audit: "postgres://audit_app:pw@h/audit" },
    databaseOwnerUrls: { audit: "postgres://postgres@h/audit" },
  });
  assert.equal(env.audit?.DATABASE_URL, "postgres://audit_app:pw@h/audit");
  assert.equal(env.audit?.DATABASE_OWNER_URL, "postgres://postgres@h/audit");
  assert.equal(env.gateway?.DATABASE_URL, undefined);
  assert.equal(env.gateway?.DATABASE_OWNER_URL, undefined);
});

Deno.test("systemEnv() sets no DATABASE_OWNER_URL without one or when it is DATABASE_URL itself", () => {
  const ports = { audit: 4006 };
  const url = "postgres://postgres@h/audit";
  assert.equal(
    systemEnv(catalog, { ports, databaseUrls: { audit: url } }).audit?.DATABASE_OWNER_URL,
    undefined,
  );
  const same = systemEnv(catalog, {
    ports,
    databaseUrls: { audit: url },
    databaseOwnerUrls: { audit: url },
  });
  assert.equal(same.audit?.DATABASE_OWNER_URL, undefined);
});

Deno.test("systemEnv() gives each service <TOPIC>_TOPIC of the topics it uses and <TOPIC>_GROUP_ID of those it consumes", () => {
  const kafka: Catalog = {
    v8Flags: "",
    topics: [],
    services: [
      { ...service("patient"), produces: ["patient", "audit"] },
      {
        ...service("audit"),
        consumes: [{ topic: "audit", group: "audit-service" }],
        produces: ["audit.checkpoints"],
      },
      service("gateway"),
    ],
  };
  const env = systemEnv(kafka, {
    ports: { patient: 1, audit: 2, gateway: 3 },
    databaseUrls: {},
    kafkaBrokers: ["k:9092"],
    topics: {
      patient: "patient-x",
      audit: "audit-x",
      "audit.checkpoints": "audit-x.checkpoints",
      billing: "billing-x",
    },
    groupSuffix: "x",
  });
  const topicsOf = (name: string) =>
    Object.fromEntries(
      Object.entries(env[name] ?? {}).filter(([key]) => /_(TOPIC|GROUP_ID)$/.test(key)),
    );
  assert.deepEqual(topicsOf("patient"), { PATIENT_TOPIC: "patient-x", AUDIT_TOPIC: "audit-x" });
  assert.deepEqual(topicsOf("audit"), {
    AUDIT_TOPIC: "audit-x",
    AUDIT_CHECKPOINTS_TOPIC: "audit-x.checkpoints",
    AUDIT_GROUP_ID: "audit-service-x",
  });
  assert.deepEqual(topicsOf("gateway"), {});
  assert.equal(env.gateway?.KAFKA_BROKERS, undefined);
});
