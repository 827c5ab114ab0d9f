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
