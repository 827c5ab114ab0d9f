import assert from "node:assert/strict";
import { describeVariable, env } from "./mod.ts";

Deno.test("describeVariable() reads a description, a default and whether it is required", () => {
  assert.deepEqual(describeVariable(env.port(8080).describe("HTTP port")), {
    description: "HTTP port",
    required: false,
    defaultValue: 8080,
  });
  assert.deepEqual(describeVariable(env.url().describe("a URL")), {
    description: "a URL",
    required: true,
    defaultValue: undefined,
  });
});

Deno.test("describeVariable() finds a description given before .optional() or a transform", () => {
  const optional = env.string("x").describe("inner").optional();
  assert.equal(describeVariable(optional).description, "inner");
  assert.equal(describeVariable(optional).required, false);
  const transformed = env.boolean(true).describe("flag");
  assert.deepEqual(describeVariable(transformed), {
    description: "flag",
    required: false,
    defaultValue: true,
  });
  assert.equal(describeVariable(env.positiveInt(1)).description, "");
});
