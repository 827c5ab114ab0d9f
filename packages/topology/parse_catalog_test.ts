import assert from "node:assert/strict";
import data from "../../services/catalog.json" with { type: "json" };
import { parseCatalog } from "./parse_catalog.ts";

/** A copy of the real catalog with `change` applied to it. */
function changed(change: (catalog: typeof data) => void): unknown {
  const copy = structuredClone(data);
  change(copy);
  return copy;
}

/** The error message `parseCatalog` throws for `value`. */
function refusal(value: unknown): string {
  try {
    parseCatalog(value);
  } catch (error) {
    return (error as Error).message;
  }
  assert.fail("parseCatalog() accepted it");
}

Deno.test("parseCatalog() accepts services/catalog.json as it is", () => {
  const catalog = parseCatalog(data);
  assert.deepEqual(catalog.services.map((s) => s.name), data.services.map((s) => s.name));
});

Deno.test("parseCatalog() names the bad field by its path", () => {
  assert.equal(
    refusal(changed((c) => Object.assign(c.services[2]!, { port: "4000" }))),
    "services/catalog.json: services[2].port: Invalid input: expected number, received string",
  );
  assert.match(
    refusal(changed((c) => Object.assign(c.services[0]!, { name: "Auth Service" }))),
    /^services\/catalog\.json: services\[0\]\.name: must be a lower-case word/,
  );
  assert.match(
    refusal(changed((c) => c.topics.push({ name: "x", partitions: 0 }))),
    new RegExp(`^services/catalog\\.json: topics\\[${data.topics.length}\\]\\.partitions: `),
  );
  assert.match(refusal({ ...data, services: undefined }), /: services: Invalid input/);
});

Deno.test("parseCatalog() refuses a misspelt field, naming it", () => {
  assert.equal(
    refusal(changed((c) => Object.assign(c.services[1]!, { grpcPrt: 9001 }))),
    "services/catalog.json: services[1].grpcPrt: unknown field",
  );
  assert.equal(
    refusal(changed((c) => Object.assign(c.services[2]!.routes[0]!, { tokn: true }))),
    "services/catalog.json: services[2].routes[0].tokn: unknown field",
  );
});

Deno.test("parseCatalog() refuses a catalog that does not hold together", () => {
  const cases: [(c: typeof data) => void, RegExp][] = [
    [
      (c) => c.services.push({ ...c.services[0]!, port: 4999 }),
      /name: service auth is listed twice/,
    ],
    [
      (c) => Object.assign(c.services[1]!, { port: 4005 }),
      /services\[1\]\.port: port 4005 is already auth's/,
    ],
    [
      (c) => Object.assign(c.services[2]!, { database: "billing" }),
      /services\[2\]\.database: database billing belongs/,
    ],
    [
      (c) => c.services[2]!.produces!.push("appointments"),
      /services\[2\]\.produces\[2\]: topic appointments is not in topics/,
    ],
    [
      (c) => (c.topics = c.topics.filter((t) => t.name !== "billing.DLT")),
      /consumes\[1\]\.topic: topic billing\.DLT \(its dead letters\)/,
    ],
    [
      (c) => (c.services[2]!.calls[0]!.service = "pharmacy"),
      /services\[2\]\.calls\[0\]\.service: calls pharmacy, which is no other/,
    ],
    [
      (c) => (c.services[2]!.calls[0]!.service = "audit"),
      /calls\[0\]\.protocol: calls audit over gRPC, which has no grpcPort/,
    ],
    [
      (c) => Object.assign(c.services[0]!, { public: true }),
      /services: exactly one service must be public, not 2/,
    ],
    [(c) => (c.topics[0]!.name = "Patient"), /topics\[0\]\.name: must be a lower-case word/],
  ];
  for (const [change, expected] of cases) assert.match(refusal(changed(change)), expected);
});

Deno.test("parseCatalog() lists every bad field, one line each, with the source it was given", () => {
  const message = refusal(changed((c) => {
    Object.assign(c.services[0]!, { port: -1 });
    Object.assign(c.services[3]!, { tokens: "yes" });
  }));
  assert.equal(message.split("\n").length, 2);
  assert.match(message, /services\[0\]\.port: /);
  assert.match(message, /services\[3\]\.tokens: /);
  assert.match(
    (() => {
      try {
        parseCatalog([], "catalog.json");
      } catch (error) {
        return (error as Error).message;
      }
      return "";
    })(),
    /^catalog\.json: \(top\): /,
  );
});
