import assert from "node:assert/strict";
import { loadConfig, shapes } from "./mod.ts";

Deno.test("shapes combine into one validated config", () => {
  const config = loadConfig({ ...shapes.server(4002), ...shapes.database(), ...shapes.kafka() }, {
    DATABASE_URL: "postgres://u@h:1/db",
    KAFKA_BROKERS: "a:1, b:2,",
  });
  assert.equal(config.PORT, 4002);
  assert.equal(config.HOST, "127.0.0.1");
  assert.equal(config.DATABASE_POOL_MAX, 10);
  assert.deepEqual(config.KAFKA_BROKERS, ["a:1", "b:2"]);
});

Deno.test("shapes.database() requires DATABASE_URL", () => {
  assert.throws(() => loadConfig({ ...shapes.database() }, {}), /DATABASE_URL/);
});

Deno.test("shapes.database() takes an optional owner URL and MIGRATE_ONLY", () => {
  const plain = loadConfig({ ...shapes.database() }, { DATABASE_URL: "postgres://u@h:1/db" });
  assert.equal(plain.DATABASE_OWNER_URL, undefined);
  assert.equal(plain.MIGRATE_ONLY, false);
  const split = loadConfig({ ...shapes.database() }, {
    DATABASE_URL: "postgres://u@h:1/db",
    DATABASE_OWNER_URL: "postgres://o@h:1/db",
    MIGRATE_ONLY: "true",
  });
  assert.equal(split.DATABASE_OWNER_URL, "postgres://o@h:1/db");
  assert.equal(split.MIGRATE_ONLY, true);
  assert.throws(
    () =>
      loadConfig({ ...shapes.database() }, {
        DATABASE_URL: "postgres://u@h/db",
        DATABASE_OWNER_URL: "x",
      }),
    /DATABASE_OWNER_URL/,
  );
});

Deno.test("shapes.kafka() without brokers is an empty list", () => {
  assert.deepEqual(loadConfig({ ...shapes.kafka() }, {}).KAFKA_BROKERS, []);
});
